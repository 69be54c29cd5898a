// Returns: the buyer asks within 24 hours of delivery (DELIVERED -> RETURN_REQUESTED), the order's
// seller approves (RETURNED: `order.returned.v1` tells payment to refund) or rejects
// (RETURN_REJECTED). Anyone else is told the order does not exist. Returned units are not put back
// on sale: they come back used.
import type { Order } from '../../generated/prisma/client.ts'
import type { LifecycleStore } from '../lifecycle/lifecycle-store.ts'

export type ReturnDecision = { approve: true } | { approve: false; reason: string }

export class OrderReturns {
  constructor(private readonly store: LifecycleStore) {}

  async request(buyerId: string, orderId: string, reason: string): Promise<Order> {
    const { order } = await this.store.take({
      orderId,
      step: 'REQUEST_RETURN',
      visible: (o) => o.userId === buyerId,
      data: { returnReason: reason },
    })
    return order
  }

  async resolve(sellerId: string, orderId: string, decision: ReturnDecision): Promise<Order> {
    const { order } = await this.store.take({
      orderId,
      visible: (o) => o.sellerId === sellerId,
      ...(decision.approve
        ? { step: 'APPROVE_RETURN' }
        : { step: 'REJECT_RETURN', data: { returnRejectionReason: decision.reason } }),
    })
    return order
  }
}
