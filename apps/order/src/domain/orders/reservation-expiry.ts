// The purchase saga's timeout path, run by the durable job scheduled with every batch of orders
// written together, at the latest of their reservation deadlines (they differ by the moments the
// batch gathered for), and by the saga sweep for one that did not run: an order still waiting
// for payment is cancelled (EXPIRED), `order.cancelled.v1` written, the saga sent to COMPENSATING
// with a refund command (a charge still on its way is voided or given back), and its units go back
// on sale. Running it again, or for an order already paid, changes nothing.
import { enqueue } from '@deals/messaging'
import { orderCancelledV1, type EventPayload } from '@deals/contracts'
import type { OrderDb } from '../database.ts'
import type { StockReturns } from '../inventory/stock-returns.ts'
import type { SagaStore } from '../saga/saga-store.ts'

export const RESERVATION_EXPIRY_JOB = 'order.reservation-expiry'

/** The orders of one placement batch (`orderId` alone: a job scheduled before batches had them). */
export type ReservationExpiryJob = { orderIds: string[] } | { orderId: string }

export class ReservationExpiry {
  constructor(
    private readonly db: OrderDb,
    private readonly sagas: SagaStore,
    private readonly returns: StockReturns,
  ) {}

  /**
   * Runs the job: each order in turn, every one even if another fails (the job is retried, and a
   * second run changes nothing for the orders the first one settled).
   */
  async expireAll(job: ReservationExpiryJob): Promise<void> {
    const orderIds = 'orderIds' in job ? job.orderIds : [job.orderId]
    const failures: unknown[] = []
    for (const orderId of orderIds)
      await this.expire({ orderId }).catch((error: unknown) => failures.push(error))
    if (failures.length === 1) throw failures[0]
    if (failures.length > 1) throw new AggregateError(failures, `${failures.length} orders not expired`)
  }

  /** True when this run cancelled the order; `lastError` says why it ran late (the sweep). */
  async expire({ orderId }: { orderId: string }, lastError?: string): Promise<boolean> {
    const { order, cancelled } = await this.db.$transaction(async (tx) => {
      const before = await tx.order.findUnique({ where: { id: orderId } })
      if (!before) return { order: null, cancelled: false }
      // The saga's lock serialises this with the payment replies: only an unpaid saga times out.
      const { decision } = await this.sagas.advance(
        tx,
        before,
        'PAYMENT_TIMEOUT',
        lastError ? { lastError } : {},
      )
      if (decision.kind === 'DROP') return { order: before, cancelled: false }
      const { count } = await tx.order.updateMany({
        where: { id: orderId, status: 'PENDING_PAYMENT' },
        data: {
          status: 'CANCELLED',
          cancelReason: 'EXPIRED',
          cancelledAt: new Date(),
          version: { increment: 1 },
        },
      })
      if (count === 0) throw new Error(`order ${orderId} is not awaiting payment but its saga was`)
      const after = await tx.order.findUniqueOrThrow({ where: { id: orderId } })
      const payload: EventPayload<typeof orderCancelledV1> = {
        orderId,
        userId: after.userId,
        sellerId: after.sellerId,
        dealId: after.dealId,
        productId: after.productId,
        quantity: after.quantity,
        amount: after.amount,
        reason: 'EXPIRED',
        previousStatus: 'PENDING_PAYMENT',
        cancelledAt: after.cancelledAt!.toISOString(),
      }
      await enqueue(tx, { name: orderCancelledV1.name, payload })
      return { order: after, cancelled: true }
    })
    // Also when an earlier run cancelled the order but died before the release.
    if (order?.status === 'CANCELLED' && !order.paidAt && order.dealId)
      await this.returns.release(order.dealId, order.id)
    return cancelled
  }
}
