// Routes: POST|GET /products, GET|PATCH|DELETE /products/:id, POST|DELETE /products/:id/like.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { requireIdentity, requireRole, requireSeller, sellerIdOf } from '@deals/service-kit'
import {
  createProductSchema,
  deleteProductSchema,
  getProductSchema,
  likeProductSchema,
  listProductsSchema,
  unlikeProductSchema,
  updateProductSchema,
} from './schemas.ts'

export const productRoutes: FastifyPluginAsyncZod = async (app) => {
  const { products, search, likes } = app.storefront
  const buyer = requireRole('BUYER')

  app.post('/products', { schema: createProductSchema, preHandler: requireSeller }, async (request, reply) =>
    reply.code(201).send(await products.create(sellerIdOf(request), request.body)),
  )

  app.get('/products', { schema: listProductsSchema }, async (request) => search.search(request.query))

  app.get('/products/:id', { schema: getProductSchema }, async (request) => products.get(request.params.id))

  app.patch('/products/:id', { schema: updateProductSchema, preHandler: requireSeller }, async (request) =>
    products.update(sellerIdOf(request), request.params.id, request.body),
  )

  app.delete(
    '/products/:id',
    { schema: deleteProductSchema, preHandler: requireSeller },
    async (request, reply) => {
      await products.remove(sellerIdOf(request), request.params.id)
      return reply.code(204).send(null)
    },
  )

  app.post('/products/:id/like', { schema: likeProductSchema, preHandler: buyer }, async (request) =>
    likes.like(requireIdentity(request).userId, request.params.id),
  )

  app.delete('/products/:id/like', { schema: unlikeProductSchema, preHandler: buyer }, async (request) =>
    likes.unlike(requireIdentity(request).userId, request.params.id),
  )
}
