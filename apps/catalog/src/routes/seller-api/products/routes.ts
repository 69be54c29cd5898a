// Routes: /seller/v1/products (GET, POST), /seller/v1/products/:id (GET, PATCH, DELETE).
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { requireSellerScope, sellerIdOf } from '@deals/service-kit'
import {
  sellerCreateProductSchema,
  sellerDeleteProductSchema,
  sellerGetProductSchema,
  sellerListProductsSchema,
  sellerUpdateProductSchema,
} from './schemas.ts'

export const sellerProductRoutes: FastifyPluginAsyncZod = async (app) => {
  const { products } = app.storefront
  const read = requireSellerScope('products:read')
  const write = requireSellerScope('products:write')

  app.get('/seller/v1/products', { schema: sellerListProductsSchema, onRequest: read }, async (request) =>
    products.listOwn(sellerIdOf(request), request.query),
  )

  app.post(
    '/seller/v1/products',
    { schema: sellerCreateProductSchema, onRequest: write },
    async (request, reply) => reply.code(201).send(await products.create(sellerIdOf(request), request.body)),
  )

  app.get('/seller/v1/products/:id', { schema: sellerGetProductSchema, onRequest: read }, async (request) =>
    products.getOwn(sellerIdOf(request), request.params.id),
  )

  app.patch(
    '/seller/v1/products/:id',
    { schema: sellerUpdateProductSchema, onRequest: write },
    async (request) => products.update(sellerIdOf(request), request.params.id, request.body),
  )

  app.delete(
    '/seller/v1/products/:id',
    { schema: sellerDeleteProductSchema, onRequest: write },
    async (request, reply) => {
      await products.remove(sellerIdOf(request), request.params.id)
      return reply.code(204).send(null)
    },
  )
}
