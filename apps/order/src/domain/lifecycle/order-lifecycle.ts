// An order's life after placement, as use cases: the purchase saga's payment steps (paid, payment
// failed, taken in the transaction of the reply that brought them), the buyer's cancel, and
// delivery progress PAID -> SHIPPING -> DELIVERED by durable jobs one period apart, each scheduled
// in the transaction of the step before it and dropped if the order changed since. Redis hears of
// a step after it commits, through the stock-settle job scheduled with the step (or at once, and
// again by that job, for the buyer's cancel); every Redis change is idempotent.
import type { JobScheduler } from '@deals/jobs'
import type { Order } from '../../generated/prisma/client.ts'
import type { OrderDb, OrderTx } from '../database.ts'
import type { StockCounters } from '../inventory/stock-counters.ts'
import type { StockReturns } from '../inventory/stock-returns.ts'
import type { LifecycleStore, StepResult } from './lifecycle-store.ts'

export const ORDER_PROGRESS_JOB = 'order.progress'
export const STOCK_SETTLE_JOB = 'order.stock-settle'

export interface OrderProgressJob {
  orderId: string
  /** The order's version when the job was scheduled; a later change makes the job stale. */
  version: number
  step: 'SHIP' | 'DELIVER'
}

/** Brings the deal's counters in line with the order as it is now (sold, or back on sale). */
export interface StockSettleJob {
  orderId: string
}

export interface Payment {
  paymentId: string | null
  paidAt: Date
}

export interface OrderLifecycleDeps {
  db: OrderDb
  store: LifecycleStore
  stock: StockCounters
  returns: StockReturns
  jobs: JobScheduler
  /** Time from payment to shipping, and from shipping to delivery. */
  progressPeriodMs: number
  logger: { warn(obj: object, msg: string): void }
}

export class OrderLifecycle {
  constructor(private readonly deps: OrderLifecycleDeps) {}

  /**
   * PENDING_PAYMENT -> PAID for the purchase saga, in the transaction of the charge's reply: shipping
   * is scheduled and the reserved units become sold once it commits. Paying a paid order again
   * changes nothing; a cancelled one is ORDER_NOT_PAYABLE.
   */
  markPaid(tx: OrderTx, orderId: string, payment: Payment): Promise<StepResult> {
    return this.deps.store.takeIn(tx, {
      orderId,
      step: 'PAY',
      data: { paidAt: payment.paidAt, paymentId: payment.paymentId },
      alongside: async (tx, paid) => {
        await this.scheduleProgress(tx, paid, 'SHIP')
        await this.settleStockSoon(tx, paid)
      },
    })
  }

  /** PENDING_PAYMENT -> CANCELLED (PAYMENT_FAILED) for the purchase saga; the stock goes back on sale. */
  failPayment(tx: OrderTx, orderId: string, reason: string): Promise<StepResult> {
    return this.deps.store.takeIn(tx, {
      orderId,
      step: 'FAIL_PAYMENT',
      data: { cancelReason: 'PAYMENT_FAILED' },
      sagaError: reason,
      alongside: (tx, cancelled) => this.settleStockSoon(tx, cancelled),
    })
  }

  /**
   * The buyer cancels: before payment the reservation is released; within 24 hours of payment the
   * sold units go back on sale and `order.cancelled.v1` (previous status PAID) asks for a refund.
   */
  async cancel(buyerId: string, orderId: string): Promise<Order> {
    const { order } = await this.deps.store.take({
      orderId,
      step: 'CANCEL',
      visible: (o) => o.userId === buyerId,
      data: { cancelReason: 'BUYER_CANCELLED' },
      alongside: (tx, cancelled) => this.settleStockSoon(tx, cancelled),
    })
    await this.giveBack(order)
    return order
  }

  /** The job that moves a paid order to SHIPPING, or a shipping one to DELIVERED. */
  async progress(job: OrderProgressJob): Promise<'MOVED' | 'STALE'> {
    const result = await this.deps.store.takeIf((o) => o.version === job.version, {
      orderId: job.orderId,
      step: job.step,
      alongside:
        job.step === 'SHIP' ? (tx, shipped) => this.scheduleProgress(tx, shipped, 'DELIVER') : undefined,
    })
    return result?.moved ? 'MOVED' : 'STALE'
  }

  /**
   * The stock-settle job: a paid order's reserved units become sold; a cancelled order's go back on
   * sale (released before payment, unsold after it), once however often it runs.
   */
  async settleStock({ orderId }: StockSettleJob): Promise<void> {
    const order = await this.deps.db.order.findUnique({ where: { id: orderId } })
    if (!order?.dealId) return
    if (order.status === 'CANCELLED') {
      await (order.paidAt ? this.unsell(order) : this.deps.returns.release(order.dealId, order.id))
      return
    }
    if (order.paidAt) await this.deps.stock.commit(order.dealId, order.id)
  }

  /** One job per status the order reaches, run after the transaction commits. */
  private settleStockSoon(tx: OrderTx, order: Order) {
    return this.deps.jobs.runSoon<StockSettleJob>(
      STOCK_SETTLE_JOB,
      { orderId: order.id },
      { tx, key: `${order.id}:${order.version}` },
    )
  }

  /** A cancelled order's units, right after the cancel; the job or the sweeper retries on failure. */
  private async giveBack(order: Order): Promise<void> {
    if (order.status !== 'CANCELLED' || !order.dealId) return
    const give = order.paidAt ? this.unsell(order) : this.deps.returns.release(order.dealId, order.id)
    await give.catch((err: unknown) =>
      this.deps.logger.warn({ err, orderId: order.id }, 'stock return failed; it will be retried'),
    )
  }

  private unsell(order: Order): Promise<boolean> {
    if (order.status !== 'CANCELLED' || !order.paidAt || !order.dealId) return Promise.resolve(false)
    return this.deps.returns.unsell({
      dealId: order.dealId,
      orderId: order.id,
      userId: order.userId,
      quantity: order.quantity,
    })
  }

  private scheduleProgress(tx: OrderTx, order: Order, step: OrderProgressJob['step']) {
    const at = new Date(Date.now() + this.deps.progressPeriodMs)
    return this.deps.jobs.scheduleAt<OrderProgressJob>(
      ORDER_PROGRESS_JOB,
      { orderId: order.id, version: order.version, step },
      at,
      { tx, key: `${order.id}:${step}` },
    )
  }
}
