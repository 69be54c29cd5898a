// The image formats the catalog accepts, recognised by their bytes rather than by what the
// client says they are.
import { fileTypeFromBuffer } from 'file-type'
import { EmptyImage, ImageTypeMismatch, UnsupportedImageType } from './image-errors.ts'

export const IMAGE_TYPES = {
  'image/jpeg': 'jpg',
  'image/png': 'png',
  'image/webp': 'webp',
} as const

export type ImageContentType = keyof typeof IMAGE_TYPES

export const IMAGE_CONTENT_TYPES = Object.keys(IMAGE_TYPES) as ImageContentType[]

const isImageContentType = (value: string): value is ImageContentType => Object.hasOwn(IMAGE_TYPES, value)

/**
 * The image's type when its bytes are what `declaredType` (a Content-Type header) says; a 415
 * for a type the catalog does not take, a 422 for bytes of another kind.
 */
export async function verifiedImageType(bytes: Buffer, declaredType: string): Promise<ImageContentType> {
  const declared = declaredType.split(';', 1)[0]!.trim().toLowerCase()
  if (!isImageContentType(declared)) throw UnsupportedImageType()
  if (bytes.length === 0) throw EmptyImage()
  const detected = await fileTypeFromBuffer(bytes)
  if (detected?.mime !== declared)
    throw ImageTypeMismatch(
      detected
        ? `The Content-Type says ${declared} but the bytes are ${detected.mime}`
        : `The Content-Type says ${declared} but the bytes are not a recognised image`,
    )
  return declared
}
