// Routes: GET /admin/payments (ADMIN), POST /admin/payments/:paymentId/retry (ADMIN): payments a
// provider step left stuck, for operators, and their way out.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { requireIdentity, requireRole } from '@deals/service-kit'
import { listPaymentsSchema, retryPaymentSchema } from './schemas.ts'

export const adminPaymentRoutes: FastifyPluginAsyncZod = async (app) => {
  const { payments, retries } = app.paymentDomain

  app.get(
    '/admin/payments',
    { schema: listPaymentsSchema, onRequest: requireRole('ADMIN') },
    async (request) => payments.list(request.query),
  )

  app.post(
    '/admin/payments/:paymentId/retry',
    { schema: retryPaymentSchema, onRequest: requireRole('ADMIN') },
    async (request, reply) => {
      const payment = await retries.retry(request.params.paymentId)
      request.log.info(
        { paymentId: payment.id, paymentState: payment.state, by: requireIdentity(request).userId },
        'provider step retried by an operator',
      )
      return reply.code(202).send(payment)
    },
  )
}
