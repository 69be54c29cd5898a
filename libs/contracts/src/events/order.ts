// Events published by the order service about orders. Payment, notification, the seller API's
// webhooks and settlement build on them; each payload carries what those need to act alone.
import { z } from 'zod'
import { defineEvent } from './envelope.ts'

export const ORDER_STATUSES = [
  'PENDING_PAYMENT',
  'PAID',
  'SHIPPING',
  'DELIVERED',
  'CANCELLED',
  'RETURN_REQUESTED',
  'RETURNED',
  'RETURN_REJECTED',
] as const
export const orderStatusSchema = z.enum(ORDER_STATUSES)
export type OrderStatus = z.infer<typeof orderStatusSchema>

export const PAYMENT_METHODS = ['WALLET', 'PG'] as const
export const paymentMethodSchema = z.enum(PAYMENT_METHODS)
export type PaymentMethod = z.infer<typeof paymentMethodSchema>

export const CANCEL_REASONS = ['EXPIRED', 'PAYMENT_FAILED', 'BUYER_CANCELLED'] as const
export const cancelReasonSchema = z.enum(CANCEL_REASONS)
export type CancelReason = z.infer<typeof cancelReasonSchema>

const orderFacts = {
  orderId: z.uuid(),
  userId: z.uuid(),
  sellerId: z.uuid(),
  /** Null for an order that did not come from a time deal. */
  dealId: z.uuid().nullable(),
  productId: z.uuid(),
  quantity: z.number().int().positive(),
  /** Whole won: unitPrice × quantity. */
  amount: z.number().int().nonnegative(),
}

/** Stock reserved and the order saved as PENDING_PAYMENT; payment is due by `reservationExpiresAt`. */
export const orderPlacedV1 = defineEvent(
  'order.placed.v1',
  z.object({
    ...orderFacts,
    productName: z.string(),
    unitPrice: z.number().int().nonnegative(),
    paymentMethod: paymentMethodSchema,
    reservationExpiresAt: z.iso.datetime().nullable(),
    placedAt: z.iso.datetime(),
  }),
)

/** The order will not be fulfilled; its stock went back to the deal. */
export const orderCancelledV1 = defineEvent(
  'order.cancelled.v1',
  z.object({
    ...orderFacts,
    reason: cancelReasonSchema,
    /** The status it was cancelled from; PAID or later means a refund is due. */
    previousStatus: orderStatusSchema,
    cancelledAt: z.iso.datetime(),
  }),
)
