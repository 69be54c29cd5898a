// The buyer's steps on an order after placing it: cancel and return.
import { z } from 'zod'
import { problemResponses } from '@deals/service-kit'
import { orderSchema } from './schemas.ts'

const params = z.object({ id: z.uuid() })

export const cancelOrderSchema = {
  tags: ['orders'],
  summary: 'Cancel my order: before payment, or within 24 hours of paying (refunded)',
  description:
    'An order awaiting payment is cancelled and its stock released. A paid order can be cancelled ' +
    'within 24 hours of payment and before it ships: its units go back on sale and the payment is ' +
    'refunded (order.cancelled.v1 with previousStatus PAID). Later: 409 CANCEL_WINDOW_CLOSED. ' +
    'Cancelling a cancelled order answers the order as it is.',
  params,
  response: { 200: orderSchema, ...problemResponses(400, 401, 404, 409) },
}

export const returnOrderSchema = {
  tags: ['orders'],
  summary: 'Ask to return my delivered order, within 24 hours of delivery',
  description:
    'The seller approves (RETURNED, refunded) or rejects (RETURN_REJECTED). Outside the window: ' +
    '409 RETURN_WINDOW_CLOSED; an order not delivered: 409 ORDER_STATUS_CONFLICT.',
  params,
  body: z.strictObject({ reason: z.string().trim().min(1).max(500) }),
  response: { 200: orderSchema, ...problemResponses(400, 401, 404, 409, 413, 415) },
}
