// Placing and reading orders.
import { z } from 'zod'
import { cancelReasonSchema, orderStatusSchema, paymentMethodSchema } from '@deals/contracts'
import { pageOf, pageQueryShape, problemResponses } from '@deals/service-kit'

export const orderSchema = z.object({
  id: z.uuid(),
  userId: z.uuid(),
  sellerId: z.uuid(),
  dealId: z.uuid().nullable(),
  productId: z.uuid(),
  productName: z.string(),
  quantity: z.number().int(),
  unitPrice: z.number().int(),
  amount: z.number().int(),
  status: orderStatusSchema,
  paymentMethod: paymentMethodSchema,
  addressId: z.uuid().nullable(),
  cancelReason: cancelReasonSchema.nullable(),
  reservationExpiresAt: z.iso.datetime().nullable(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
  paidAt: z.iso.datetime().nullable(),
  shippedAt: z.iso.datetime().nullable(),
  deliveredAt: z.iso.datetime().nullable(),
  cancelledAt: z.iso.datetime().nullable(),
  returnReason: z.string().nullable(),
  returnRejectionReason: z.string().nullable(),
  returnRequestedAt: z.iso.datetime().nullable(),
  returnResolvedAt: z.iso.datetime().nullable(),
  payment: z.object({
    paymentId: z.string().nullable(),
    /** Where the buyer approves a PG payment at the provider, once the payment service readied it. */
    redirectUrl: z.url().nullable(),
    payBy: z.iso.datetime().nullable(),
  }),
  refundedAmount: z.number().int().nullable(),
  refundedAt: z.iso.datetime().nullable(),
})

export const placeOrderSchema = {
  tags: ['orders'],
  summary: 'Buy from a time deal: reserve stock and create an order awaiting payment',
  description:
    'Needs an Idempotency-Key: a retry with the same key and body gets the first answer again; ' +
    'the same key with another body is refused with 422. A deal that sells through the waiting ' +
    'room needs the admission token the queue service issued, usable once.',
  headers: z.object({
    'idempotency-key': z
      .string()
      .min(1)
      .max(255)
      .regex(/^[\x21-\x7e]+$/, 'printable ASCII without spaces'),
  }),
  body: z.strictObject({
    dealId: z.uuid(),
    quantity: z.number().int().min(1).max(100),
    admissionToken: z.string().min(1).max(4096).optional(),
    addressId: z.uuid().optional(),
    paymentMethod: paymentMethodSchema,
  }),
  response: {
    201: z.object({ orderId: z.uuid(), status: orderStatusSchema }),
    ...problemResponses(400, 401, 403, 404, 409, 413, 415, 422, 503),
  },
}

export const listMyOrdersSchema = {
  tags: ['orders'],
  summary: 'My orders, newest first',
  querystring: z.strictObject({ ...pageQueryShape, status: orderStatusSchema.optional() }),
  response: { 200: pageOf(orderSchema), ...problemResponses(400, 401) },
}

export const getOrderSchema = {
  tags: ['orders'],
  summary: 'One order (its buyer, the deal’s seller or an admin)',
  params: z.object({ id: z.uuid() }),
  response: { 200: orderSchema, ...problemResponses(400, 401, 404) },
}
