// Order events as the buyer hears of them. The order service publishes one event per status
// change (`order.<change>.v1`); only the order id, the buyer and the status-ish fields are read,
// so new order events are told as a status change without a release here.
import type { Notice } from '../feed/notification-feed.ts'

export interface OrderChange {
  orderId: string
  userId: string
  productName?: string | undefined
  status?: string | undefined
  reason?: string | undefined
}

const KNOWN: Record<string, { status: string; title: string }> = {
  'order.placed.v1': { status: 'PENDING_PAYMENT', title: 'Order placed: waiting for payment' },
  'order.paid.v1': { status: 'PAID', title: 'Payment received' },
  'order.shipped.v1': { status: 'SHIPPING', title: 'Your order is on its way' },
  'order.delivered.v1': { status: 'DELIVERED', title: 'Your order was delivered' },
  'order.cancelled.v1': { status: 'CANCELLED', title: 'Order cancelled' },
  'order.return-requested.v1': { status: 'RETURN_REQUESTED', title: 'Return requested' },
  'order.returned.v1': { status: 'RETURNED', title: 'Return accepted' },
  'order.return-rejected.v1': { status: 'RETURN_REJECTED', title: 'Return rejected' },
}

/** The buyer's notice of an order event, or null for an event that changes no status. */
export function orderStatusNotice(eventName: string, messageId: string, change: OrderChange): Notice | null {
  const known = KNOWN[eventName]
  const status = known?.status ?? change.status
  if (!status) return null
  const title = known?.title ?? `Order status: ${status}`
  const what = change.productName ? `Your order of ${change.productName}` : 'Your order'
  const why = change.reason ? ` (${change.reason})` : ''
  return {
    userId: change.userId,
    kind: 'ORDER_STATUS',
    sourceEventId: messageId,
    title,
    body: `${what} is now ${status}${why}.`,
    data: { orderId: change.orderId, status, event: eventName },
  }
}
