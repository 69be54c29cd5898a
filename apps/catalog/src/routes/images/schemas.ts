// Product images: the product's seller uploads (raw bytes, one version at a time) and deletes
// them; anyone reads the list and the bytes.
import { z } from 'zod'
import { problemResponses } from '@deals/service-kit'
import { IMAGE_CONTENT_TYPES } from '../../domain/images/image-format.ts'

const imageSchema = z.object({
  id: z.uuid().describe('The image slot; new versions keep it'),
  position: z.number().int().describe('Order among the product images, from 1'),
  version: z.number().int().describe('Rises by one with every upload to the slot'),
  url: z.string().describe('Where the current version is served; changes with every version'),
  contentType: z.string().describe(IMAGE_CONTENT_TYPES.join(', ')),
  byteSize: z.number().int(),
  sha256: z.string(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
})

const productParams = z.object({ id: z.uuid() })
const imageParams = z.object({ id: z.uuid(), imageId: z.uuid() })

const uploadDescription = `The body is the image itself (not JSON nor multipart), sent with Content-Type ${IMAGE_CONTENT_TYPES.join(', ')}; its bytes must be of that type.`

export const addImageSchema = {
  tags: ['images'],
  summary: "Add an image at the end of my product's images (SELLER, owner)",
  description: uploadDescription,
  consumes: IMAGE_CONTENT_TYPES,
  params: productParams,
  response: { 201: imageSchema, ...problemResponses(400, 401, 403, 404, 409, 413, 415, 422) },
}

export const replaceImageSchema = {
  tags: ['images'],
  summary: 'Upload a new version of an image (SELLER, owner); the old URL stays served for a grace period',
  description: uploadDescription,
  consumes: IMAGE_CONTENT_TYPES,
  params: imageParams,
  response: { 200: imageSchema, ...problemResponses(400, 401, 403, 404, 409, 413, 415, 422) },
}

export const deleteImageSchema = {
  tags: ['images'],
  summary: 'Remove an image from my product (SELLER, owner)',
  params: imageParams,
  response: { 204: z.null(), ...problemResponses(400, 401, 403, 404) },
}

export const listImagesSchema = {
  tags: ['images'],
  summary: "A product's images, current versions in order",
  params: productParams,
  response: { 200: z.object({ items: z.array(imageSchema) }), ...problemResponses(400, 401, 404) },
}

export const serveImageSchema = {
  tags: ['images'],
  summary: 'The bytes of an image version (immutable: cache forever); the `url` of an image points here',
  params: z.object({ '*': z.string().describe('The storage key from the image URL') }),
  response: {
    200: z.unknown().describe('The image bytes, with their content type and `ETag` (the SHA-256)'),
    304: z.null().describe('The `If-None-Match` ETag is current'),
    ...problemResponses(401, 404),
  },
}
