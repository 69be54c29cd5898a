// Routes: POST /:id/cancel, POST /:id/return (the order's buyer only; others get 404).
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { requireIdentity, requireUser } from '@deals/service-kit'
import { orderView } from '../../domain/orders/order-view.ts'
import { cancelOrderSchema, returnOrderSchema } from './lifecycle-schemas.ts'

export const orderLifecycleRoutes: FastifyPluginAsyncZod = async (app) => {
  const { lifecycle, returns } = app.orderLifecycle

  app.post('/:id/cancel', { schema: cancelOrderSchema, preHandler: requireUser }, async (request) =>
    orderView(await lifecycle.cancel(requireIdentity(request).userId, request.params.id)),
  )

  app.post('/:id/return', { schema: returnOrderSchema, preHandler: requireUser }, async (request) =>
    orderView(await returns.request(requireIdentity(request).userId, request.params.id, request.body.reason)),
  )
}
