// Routes: GET / (my payments), GET /:paymentId, POST /:paymentId/approve (PG, the buyer only).
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { requireIdentity, requireUser } from '@deals/service-kit'
import { approvePaymentSchema, getPaymentSchema, listMyPaymentsSchema } from './schemas.ts'

export const paymentRoutes: FastifyPluginAsyncZod = async (app) => {
  const { payments, pg } = app.paymentDomain

  app.get('/', { schema: listMyPaymentsSchema, preHandler: requireUser }, async (request) =>
    payments.mine(requireIdentity(request).userId, request.query),
  )

  app.get('/:paymentId', { schema: getPaymentSchema, preHandler: requireUser }, async (request) =>
    payments.visibleTo(requireIdentity(request), request.params.paymentId),
  )

  app.post(
    '/:paymentId/approve',
    { schema: approvePaymentSchema, preHandler: requireUser },
    async (request) =>
      pg.approve(requireIdentity(request).userId, request.params.paymentId, request.body.pgToken),
  )
}
