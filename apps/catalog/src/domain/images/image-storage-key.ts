// Where a version's bytes are stored. The key names the content (version and hash), so an object
// under a key never changes and can be cached forever.
import { IMAGE_TYPES, type ImageContentType } from './image-format.ts'

export interface VersionKeyParts {
  productId: string
  imageId: string
  version: number
  sha256: string
  contentType: ImageContentType
}

export const imageStorageKey = ({ productId, imageId, version, sha256, contentType }: VersionKeyParts) =>
  `products/${productId}/${imageId}/v${version}-${sha256.slice(0, 16)}.${IMAGE_TYPES[contentType]}`

/** The URL clients fetch a stored version from. */
export const imagePublicUrl = (publicBaseUrl: string, storageKey: string) =>
  `${publicBaseUrl.replace(/\/+$/, '')}/${storageKey}`
