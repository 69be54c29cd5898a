// The durable job scheduled with every order at its reservation deadline: an order still waiting
// for payment is cancelled (EXPIRED), its saga compensated, `order.cancelled.v1` written, and
// its units go back on sale. Running it again, or for an order already paid, changes nothing.
import { enqueue } from '@deals/messaging'
import { orderCancelledV1, type EventPayload } from '@deals/contracts'
import type { OrderDb } from '../database.ts'
import type { StockReturns } from '../inventory/stock-returns.ts'

export const RESERVATION_EXPIRY_JOB = 'order.reservation-expiry'

export interface ReservationExpiryJob {
  orderId: string
}

export class ReservationExpiry {
  constructor(
    private readonly db: OrderDb,
    private readonly returns: StockReturns,
  ) {}

  async expire({ orderId }: ReservationExpiryJob): Promise<void> {
    const order = await this.db.$transaction(async (tx) => {
      // The saga row serialises this with payment: only a saga still awaiting payment expires.
      const { count } = await tx.purchaseSaga.updateMany({
        where: { orderId, state: 'AWAITING_PAYMENT' },
        data: { state: 'COMPENSATED', step: { increment: 1 }, deadline: null },
      })
      if (count === 0) return tx.order.findUnique({ where: { id: orderId } })
      const cancelled = await tx.order.update({
        where: { id: orderId },
        data: {
          status: 'CANCELLED',
          cancelReason: 'EXPIRED',
          cancelledAt: new Date(),
          version: { increment: 1 },
        },
      })
      const payload: EventPayload<typeof orderCancelledV1> = {
        orderId,
        userId: cancelled.userId,
        sellerId: cancelled.sellerId,
        dealId: cancelled.dealId,
        productId: cancelled.productId,
        quantity: cancelled.quantity,
        amount: cancelled.amount,
        reason: 'EXPIRED',
        previousStatus: 'PENDING_PAYMENT',
        cancelledAt: cancelled.cancelledAt!.toISOString(),
      }
      await enqueue(tx, { name: orderCancelledV1.name, payload })
      return cancelled
    })
    // Also when an earlier run cancelled the order but died before the release.
    if (order?.status === 'CANCELLED' && order.dealId) await this.returns.release(order.dealId, order.id)
  }
}
