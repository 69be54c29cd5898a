// Routes: /seller/v1/webhooks (POST, GET), /seller/v1/webhooks/:id (GET, PATCH, DELETE),
// /:id/deliveries (GET), /:id/deliveries/:deliveryId/redeliver (POST), /:id/ping (POST).
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { requireSellerScope, sellerIdOf } from '@deals/service-kit'
import {
  createWebhookSchema,
  deleteWebhookSchema,
  getWebhookSchema,
  listDeliveriesSchema,
  listWebhooksSchema,
  pingSchema,
  redeliverSchema,
  updateWebhookSchema,
} from './schemas.ts'

export const sellerWebhookRoutes: FastifyPluginAsyncZod = async (app) => {
  const { registry, deliveries } = app.catalogWebhooks
  const onRequest = requireSellerScope('webhooks:manage')

  app.post('/seller/v1/webhooks', { schema: createWebhookSchema, onRequest }, async (request, reply) =>
    reply.code(201).send(await registry.create(sellerIdOf(request), request.body)),
  )

  app.get('/seller/v1/webhooks', { schema: listWebhooksSchema, onRequest }, async (request) => ({
    items: await registry.list(sellerIdOf(request)),
  }))

  app.get('/seller/v1/webhooks/:id', { schema: getWebhookSchema, onRequest }, async (request) =>
    registry.get(sellerIdOf(request), request.params.id),
  )

  app.patch('/seller/v1/webhooks/:id', { schema: updateWebhookSchema, onRequest }, async (request) =>
    registry.update(sellerIdOf(request), request.params.id, request.body),
  )

  app.delete(
    '/seller/v1/webhooks/:id',
    { schema: deleteWebhookSchema, onRequest },
    async (request, reply) => {
      await registry.remove(sellerIdOf(request), request.params.id)
      return reply.code(204).send(null)
    },
  )

  app.get(
    '/seller/v1/webhooks/:id/deliveries',
    { schema: listDeliveriesSchema, onRequest },
    async (request) => deliveries.list(sellerIdOf(request), request.params.id, request.query),
  )

  app.post(
    '/seller/v1/webhooks/:id/deliveries/:deliveryId/redeliver',
    { schema: redeliverSchema, onRequest },
    async (request, reply) => {
      const { id, deliveryId } = request.params
      return reply.code(202).send(await deliveries.redeliver(sellerIdOf(request), id, deliveryId))
    },
  )

  app.post('/seller/v1/webhooks/:id/ping', { schema: pingSchema, onRequest }, async (request, reply) =>
    reply.code(202).send(await deliveries.ping(sellerIdOf(request), request.params.id)),
  )
}
