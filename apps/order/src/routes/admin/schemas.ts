// Operator tools on orders.
import { z } from 'zod'
import { problemResponses } from '@deals/service-kit'
import { orderSchema } from '../orders/schemas.ts'

export const markPaidSchema = {
  tags: ['admin'],
  summary: 'Temporary, for demos until the payment service exists: mark an order paid (ADMIN)',
  description:
    'Runs the purchase saga’s payment hook: PENDING_PAYMENT -> PAID, the reserved units become ' +
    'sold, order.paid.v1 goes out and delivery progress is scheduled. Paying a paid order again ' +
    'changes nothing; a cancelled order is 409 ORDER_NOT_PAYABLE. To be removed once payments ' +
    'drive the saga.',
  params: z.object({ id: z.uuid() }),
  body: z.strictObject({ paymentId: z.string().min(1).max(100).optional() }).nullish(),
  response: { 200: orderSchema, ...problemResponses(400, 401, 403, 404, 409, 415) },
}
