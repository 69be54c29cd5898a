// Routes: POST|GET /stores, GET|PATCH /stores/:id, POST|DELETE /stores/:id/follow.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { requireIdentity, requireRole, requireSeller, sellerIdOf } from '@deals/service-kit'
import {
  createStoreSchema,
  followStoreSchema,
  getStoreSchema,
  listStoresSchema,
  unfollowStoreSchema,
  updateStoreSchema,
} from './schemas.ts'

export const storeRoutes: FastifyPluginAsyncZod = async (app) => {
  const { stores, follows } = app.storefront
  const buyer = requireRole('BUYER')

  app.post('/stores', { schema: createStoreSchema, preHandler: requireSeller }, async (request, reply) =>
    reply.code(201).send(await stores.create(sellerIdOf(request), request.body)),
  )

  app.get('/stores', { schema: listStoresSchema }, async (request) => stores.list(request.query))

  app.get('/stores/:id', { schema: getStoreSchema }, async (request) => stores.get(request.params.id))

  app.patch('/stores/:id', { schema: updateStoreSchema, preHandler: requireSeller }, async (request) =>
    stores.update(sellerIdOf(request), request.params.id, request.body),
  )

  app.post('/stores/:id/follow', { schema: followStoreSchema, preHandler: buyer }, async (request) =>
    follows.follow(requireIdentity(request).userId, request.params.id),
  )

  app.delete('/stores/:id/follow', { schema: unfollowStoreSchema, preHandler: buyer }, async (request) =>
    follows.unfollow(requireIdentity(request).userId, request.params.id),
  )
}
