// The purchase saga's timeout path. Orders are not given a job each: a durable job per second of
// deadlines (`ExpiryJobs`), scheduled by the first write whose deadline falls in that second and
// due at its end, cancels every order still waiting for payment with a deadline up to then, so a
// flash sale's ten thousand orders cost a handful of jobs. The saga sweep takes any it missed.
// An order still waiting for payment is cancelled (EXPIRED), `order.cancelled.v1` written, the
// saga sent to COMPENSATING with a refund command (a charge still on its way is voided or given
// back), and its units go back on sale. Running it again, or for an order already paid, changes
// nothing.
import { enqueue } from '@deals/messaging'
import { orderCancelledV1, type EventPayload } from '@deals/contracts'
import type { JobScheduler } from '@deals/jobs'
import type { OrderDb } from '../database.ts'
import type { StockReturns } from '../inventory/stock-returns.ts'
import type { SagaStore } from '../saga/saga-store.ts'

export const RESERVATION_EXPIRY_JOB = 'order.reservation-expiry'

/**
 * Every unpaid order whose deadline is at or before `dueBy` (ISO 8601). The orders of one
 * placement batch (`orderIds`) or one order (`orderId`): jobs scheduled by earlier versions.
 */
export type ReservationExpiryJob = { dueBy: string } | { orderIds: string[] } | { orderId: string }

/** Deadlines are grouped by the second they fall in: one job per second that has any. */
export const EXPIRY_BUCKET_MS = 1_000

/**
 * Makes sure a durable expiry job covers a deadline before an order with it is written: the
 * first write of each second schedules that second's job (one per second across replicas, by
 * its key), the others find it already scheduled in memory and wait for nothing.
 */
export class ExpiryJobs {
  readonly #scheduled = new Map<number, Promise<void>>()

  constructor(private readonly jobs: JobScheduler) {}

  /** Resolves once a job is due at or after each deadline; rejects if one could not be scheduled. */
  async cover(deadlines: readonly Date[]): Promise<void> {
    const ends = new Set(deadlines.map((d) => Math.ceil(d.getTime() / EXPIRY_BUCKET_MS) * EXPIRY_BUCKET_MS))
    await Promise.all([...ends].map((end) => this.#cover(end)))
  }

  #cover(end: number): Promise<void> {
    const known = this.#scheduled.get(end)
    if (known) return known
    this.#forgetPast()
    const dueBy = new Date(end)
    const scheduling = this.jobs
      .scheduleAt<ReservationExpiryJob>(RESERVATION_EXPIRY_JOB, { dueBy: dueBy.toISOString() }, dueBy, {
        key: `due-by:${end}`,
      })
      .then(() => undefined)
    // A failure is not remembered: the next write of that second tries again.
    scheduling.catch(() => this.#scheduled.delete(end))
    this.#scheduled.set(end, scheduling)
    return scheduling
  }

  /** Seconds already past are never asked for again (a new order's deadline is in the future). */
  #forgetPast(): void {
    const now = Date.now()
    for (const end of this.#scheduled.keys()) if (end < now) this.#scheduled.delete(end)
  }
}

export class ReservationExpiry {
  constructor(
    private readonly db: OrderDb,
    private readonly sagas: SagaStore,
    private readonly returns: StockReturns,
    /** Sagas read per query while a job works through its deadlines. */
    private readonly pageSize = 200,
  ) {}

  /**
   * Runs the job: each order in turn, every one even if another fails (the job is retried, and a
   * second run changes nothing for the orders the first one settled).
   */
  async expireAll(job: ReservationExpiryJob): Promise<void> {
    const failures: unknown[] = []
    const expire = (orderId: string) =>
      this.expire({ orderId }).catch((error: unknown) => {
        failures.push(error)
      })
    if ('dueBy' in job) {
      for await (const page of this.unpaidDueBy(new Date(job.dueBy))) for (const id of page) await expire(id)
    } else {
      for (const orderId of 'orderIds' in job ? job.orderIds : [job.orderId]) await expire(orderId)
    }
    if (failures.length === 1) throw failures[0]
    if (failures.length > 1) throw new AggregateError(failures, `${failures.length} orders not expired`)
  }

  /** The orders still waiting for payment with a deadline at or before `dueBy`, a page at a time. */
  private async *unpaidDueBy(dueBy: Date): AsyncGenerator<string[]> {
    // Keyset pages on (deadline, order id): an order that fails to expire is not read again.
    let after: { deadline: Date; orderId: string } | undefined
    for (;;) {
      const page = await this.db.purchaseSaga.findMany({
        where: {
          state: 'PAYMENT_REQUESTED',
          deadline: { lte: dueBy },
          ...(after && {
            OR: [
              { deadline: { gt: after.deadline } },
              { deadline: after.deadline, orderId: { gt: after.orderId } },
            ],
          }),
        },
        select: { orderId: true, deadline: true },
        orderBy: [{ deadline: 'asc' }, { orderId: 'asc' }],
        take: this.pageSize,
      })
      if (page.length) yield page.map((s) => s.orderId)
      if (page.length < this.pageSize) return
      const last = page[page.length - 1]!
      after = { deadline: last.deadline!, orderId: last.orderId }
    }
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
