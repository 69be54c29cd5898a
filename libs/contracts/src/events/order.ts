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

/** Why the order is where it is: what every lifecycle step after placement carries. */
const orderStep = {
  ...orderFacts,
  productName: z.string(),
  status: orderStatusSchema,
  previousStatus: orderStatusSchema,
}

/** Payment succeeded: the reserved units are sold and delivery is scheduled. */
export const orderPaidV1 = defineEvent(
  'order.paid.v1',
  z.object({
    ...orderStep,
    /** The payment service's id of the payment, when it told us one. */
    paymentId: z.string().nullable(),
    paidAt: z.iso.datetime(),
  }),
)

/** The order left the seller's warehouse. */
export const orderShippedV1 = defineEvent(
  'order.shipped.v1',
  z.object({ ...orderStep, shippedAt: z.iso.datetime() }),
)

/** The order reached the buyer; a return may be requested for 24 hours from `deliveredAt`. */
export const orderDeliveredV1 = defineEvent(
  'order.delivered.v1',
  z.object({ ...orderStep, deliveredAt: z.iso.datetime() }),
)

/** The buyer asked to return a delivered order; the seller approves or rejects. */
export const orderReturnRequestedV1 = defineEvent(
  'order.return-requested.v1',
  z.object({ ...orderStep, reason: z.string(), returnRequestedAt: z.iso.datetime() }),
)

/** The seller accepted the return: the amount is to be refunded. `reason` is the buyer's. */
export const orderReturnedV1 = defineEvent(
  'order.returned.v1',
  z.object({ ...orderStep, reason: z.string(), returnedAt: z.iso.datetime() }),
)

/** The seller refused the return, for `reason`; the order stays sold. */
export const orderReturnRejectedV1 = defineEvent(
  'order.return-rejected.v1',
  z.object({ ...orderStep, reason: z.string(), returnRejectedAt: z.iso.datetime() }),
)

/** Every event of an order's life after placement, for consumers that follow them all. */
export const ORDER_LIFECYCLE_EVENTS = [
  orderPaidV1,
  orderShippedV1,
  orderDeliveredV1,
  orderReturnRequestedV1,
  orderReturnedV1,
  orderReturnRejectedV1,
] as const
