// The event each lifecycle step writes to the outbox, built from the order as the step left it.
// Payloads carry the common order facts, so payment, notification and the sellers' webhooks act
// on the event alone.
import {
  orderCancelledV1,
  orderDeliveredV1,
  orderPaidV1,
  orderReturnedV1,
  orderReturnRejectedV1,
  orderReturnRequestedV1,
  orderShippedV1,
  type CancelReason,
  type OrderStatus,
} from '@deals/contracts'
import type { Order } from '../../generated/prisma/client.ts'
import type { LifecycleStep } from './order-transitions.ts'

export interface LifecycleEvent {
  name: string
  payload: Record<string, unknown>
}

const iso = (d: Date | null) => (d ?? new Date()).toISOString()

export function lifecycleEvent(
  step: LifecycleStep,
  order: Order,
  previousStatus: OrderStatus,
): LifecycleEvent {
  const facts = {
    orderId: order.id,
    userId: order.userId,
    sellerId: order.sellerId,
    dealId: order.dealId,
    productId: order.productId,
    quantity: order.quantity,
    amount: order.amount,
  }
  const change = { ...facts, productName: order.productName, status: order.status, previousStatus }
  switch (step) {
    case 'PAY':
      return event(orderPaidV1, { ...change, paymentId: order.paymentId, paidAt: iso(order.paidAt) })
    case 'SHIP':
      return event(orderShippedV1, { ...change, shippedAt: iso(order.shippedAt) })
    case 'DELIVER':
      return event(orderDeliveredV1, { ...change, deliveredAt: iso(order.deliveredAt) })
    case 'REQUEST_RETURN':
      return event(orderReturnRequestedV1, {
        ...change,
        reason: order.returnReason ?? '',
        returnRequestedAt: iso(order.returnRequestedAt),
      })
    case 'APPROVE_RETURN':
      return event(orderReturnedV1, {
        ...change,
        reason: order.returnReason ?? '',
        returnedAt: iso(order.returnResolvedAt),
      })
    case 'REJECT_RETURN':
      return event(orderReturnRejectedV1, {
        ...change,
        reason: order.returnRejectionReason ?? '',
        returnRejectedAt: iso(order.returnResolvedAt),
      })
    case 'FAIL_PAYMENT':
    case 'CANCEL':
      return event(orderCancelledV1, {
        ...facts,
        reason: order.cancelReason as CancelReason,
        previousStatus,
        cancelledAt: iso(order.cancelledAt),
      })
  }
}

/** Parses the payload against its contract, so a step never publishes what consumers would park. */
function event<S extends { parse(v: unknown): unknown }>(
  definition: { name: string; payload: S },
  payload: Record<string, unknown>,
): LifecycleEvent {
  return { name: definition.name, payload: definition.payload.parse(payload) as Record<string, unknown> }
}
