// Route: POST /admin/orders/:id/mark-paid (ADMIN). Temporary: stands in for the payment service
// in demos until the purchase saga runs over payments.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { requireRole } from '@deals/service-kit'
import { orderView } from '../../domain/orders/order-view.ts'
import { markPaidSchema } from './schemas.ts'

export const adminOrderRoutes: FastifyPluginAsyncZod = async (app) => {
  const { lifecycle } = app.orderLifecycle

  app.post(
    '/admin/orders/:id/mark-paid',
    { schema: markPaidSchema, onRequest: requireRole('ADMIN') },
    async (request) =>
      orderView(
        await lifecycle.markPaid(request.params.id, {
          paymentId: request.body?.paymentId ?? null,
          paidAt: new Date(),
        }),
      ),
  )
}
