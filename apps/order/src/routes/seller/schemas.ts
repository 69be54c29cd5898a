// A seller's sales and return decisions, for the seller's own token (/seller/...) and for its
// API keys (/seller/v1/..., same shapes).
import { z } from 'zod'
import { orderStatusSchema } from '@deals/contracts'
import { pageOf, pageQueryShape, problemResponses } from '@deals/service-kit'
import { orderSchema } from '../orders/schemas.ts'

/** An order as its seller sees it (see saleView). */
const saleSchema = orderSchema
  .omit({
    id: true,
    createdAt: true,
    userId: true,
    addressId: true,
    sellerId: true,
    reservationExpiresAt: true,
    updatedAt: true,
    payment: true,
  })
  .extend({ orderId: z.uuid(), placedAt: z.iso.datetime() })

export const listSalesSchema = {
  tags: ['seller'],
  summary: 'My sales: orders of my deals, newest first',
  description: '`from` (inclusive) and `to` (exclusive) bound when the order was placed.',
  querystring: z
    .strictObject({
      ...pageQueryShape,
      status: orderStatusSchema.optional(),
      from: z.iso.datetime({ offset: true }).optional(),
      to: z.iso.datetime({ offset: true }).optional(),
    })
    .refine((q) => !q.from || !q.to || Date.parse(q.from) < Date.parse(q.to), {
      message: '`from` must be before `to`',
      path: ['from'],
    }),
  response: { 200: pageOf(saleSchema), ...problemResponses(400, 401, 403) },
}

const params = z.object({ orderId: z.uuid() })

export const approveReturnSchema = {
  tags: ['seller'],
  summary: 'Accept a return of my order: RETURN_REQUESTED -> RETURNED (refunded)',
  params,
  response: { 200: saleSchema, ...problemResponses(400, 401, 403, 404, 409) },
}

export const rejectReturnSchema = {
  tags: ['seller'],
  summary: 'Refuse a return of my order: RETURN_REQUESTED -> RETURN_REJECTED',
  params,
  body: z.strictObject({ reason: z.string().trim().min(1).max(500) }),
  response: { 200: saleSchema, ...problemResponses(400, 401, 403, 404, 409, 413, 415) },
}
