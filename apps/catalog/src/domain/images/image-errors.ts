// Errors of the product image use cases.
import { defineError } from '@deals/service-kit'

/** Also the answer for another seller's image slot: its existence is not revealed. */
export const ImageNotFound = defineError('IMAGE_NOT_FOUND', 404, 'No such image')
export const UnsupportedImageType = defineError(
  'UNSUPPORTED_IMAGE_TYPE',
  415,
  'Upload a JPEG, PNG or WebP image with its Content-Type',
)
export const ImageTypeMismatch = defineError(
  'IMAGE_TYPE_MISMATCH',
  422,
  'The bytes are not an image of the declared Content-Type',
)
export const EmptyImage = defineError('EMPTY_IMAGE', 422, 'The image has no bytes')
export const TooManyImages = defineError('TOO_MANY_IMAGES', 409, 'The product has as many images as allowed')
export const ImageUploadConflict = defineError(
  'IMAGE_UPLOAD_CONFLICT',
  409,
  'Other uploads to this image slot kept racing this one; try again',
)
