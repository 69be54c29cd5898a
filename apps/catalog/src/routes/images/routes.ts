// Routes: POST /products/:id/images, PUT|DELETE /products/:id/images/:imageId (the product's
// seller), GET /products/:id/images and GET /images/* (anyone through the gateway).
import type { FastifyRequest } from 'fastify'
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { requireSeller, sellerIdOf } from '@deals/service-kit'
import { IMAGE_CONTENT_TYPES } from '../../domain/images/image-format.ts'
import { ImageNotFound, UnsupportedImageType } from '../../domain/images/image-errors.ts'
import type { ImageUpload } from '../../domain/images/product-images.ts'
import { isSafeObjectKey } from '../../object-store/object-store.ts'
import {
  addImageSchema,
  deleteImageSchema,
  listImagesSchema,
  replaceImageSchema,
  serveImageSchema,
} from './schemas.ts'

export interface ImageRoutesOptions {
  /** Largest accepted upload in bytes; the service's JSON body limit stays small. */
  maxImageBytes: number
}

/** The raw body and its declared type; a JSON body (the only other parser) is not an image. */
function uploadOf(request: FastifyRequest): ImageUpload {
  if (!Buffer.isBuffer(request.body)) throw UnsupportedImageType()
  return { bytes: request.body, contentType: request.headers['content-type'] ?? '' }
}

/** Strong ETag comparison against `If-None-Match` (a list, or `*`). */
function matchesEtag(header: string | undefined, etag: string): boolean {
  if (!header) return false
  return header.split(',').some((tag) => {
    const candidate = tag.trim().replace(/^W\//, '')
    return candidate === '*' || candidate === etag
  })
}

export const imageRoutes: FastifyPluginAsyncZod<ImageRoutesOptions> = async (app, { maxImageBytes }) => {
  const images = app.productImages
  const upload = { bodyLimit: maxImageBytes, preHandler: requireSeller }

  // Scoped to these routes: the rest of the service keeps speaking JSON only.
  app.addContentTypeParser(
    IMAGE_CONTENT_TYPES,
    { parseAs: 'buffer', bodyLimit: maxImageBytes },
    (_request, body, done) => done(null, body),
  )

  app.post('/products/:id/images', { ...upload, schema: addImageSchema }, async (request, reply) => {
    const image = await images.add(sellerIdOf(request), request.params.id, uploadOf(request))
    return reply.code(201).send(image)
  })

  app.put('/products/:id/images/:imageId', { ...upload, schema: replaceImageSchema }, async (request) => {
    const { id, imageId } = request.params
    return images.replace(sellerIdOf(request), id, imageId, uploadOf(request))
  })

  app.delete(
    '/products/:id/images/:imageId',
    { schema: deleteImageSchema, preHandler: requireSeller },
    async (request, reply) => {
      const { id, imageId } = request.params
      await images.remove(sellerIdOf(request), id, imageId)
      return reply.code(204).send(null)
    },
  )

  app.get('/products/:id/images', { schema: listImagesSchema }, async (request) => ({
    items: await images.list(request.params.id),
  }))

  app.get('/images/*', { schema: serveImageSchema }, async (request, reply) => {
    const key = request.params['*']
    // A key that could not have been issued never reaches the database or the store.
    const version = isSafeObjectKey(key) ? await images.findVersion(key) : null
    if (!version) throw ImageNotFound()
    const etag = `"${version.sha256}"`
    reply.header('etag', etag).header('cache-control', 'public, max-age=31536000, immutable')
    if (matchesEtag(request.headers['if-none-match'], etag)) return reply.code(304).send(null)
    const object = await images.open(version)
    if (!object) throw ImageNotFound()
    return reply
      .type(version.contentType)
      .header('content-length', object.byteSize)
      .header('x-content-type-options', 'nosniff')
      .send(object.body)
  })
}
