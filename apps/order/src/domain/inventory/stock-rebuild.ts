// Rebuilds a deal's counters from PostgreSQL when Redis lost them (a restart without its data).
// One replica rebuilds, under a lock; until the counters are back, orders for the deal are
// refused with 503 STOCK_REBUILDING. The rebuild first waits for orders reserved just before
// the loss to commit or fail, then reads the orders and writes the counters atomically.
import { randomUUID } from 'node:crypto'
import type { OrderDb } from '../database.ts'
import { DealNotFound, StockRebuilding } from '../orders/order-errors.ts'
import { stockFromOrders } from './stock-arithmetic.ts'
import type { StockCounters, StockLevels } from './stock-counters.ts'

export interface StockRebuildOptions {
  settleMs: number
  logger: { info(obj: object, msg: string): void; error(obj: object, msg: string): void }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

export class StockRebuild {
  private readonly running = new Map<string, Promise<void>>()

  constructor(
    private readonly db: OrderDb,
    private readonly stock: StockCounters,
    private readonly options: StockRebuildOptions,
  ) {}

  /** The deal's counters; when they are missing, starts a rebuild and refuses with 503 (or 404). */
  async levels(dealId: string): Promise<StockLevels> {
    return (await this.stock.levels(dealId)) ?? this.refuseWhileMissing(dealId)
  }

  /** For a deal whose counters are missing: 404 if the deal is unknown, else rebuild and 503. */
  async refuseWhileMissing(dealId: string): Promise<never> {
    const deal = await this.db.deal.findUnique({ where: { id: dealId }, select: { id: true } })
    if (!deal) throw DealNotFound()
    this.start(dealId)
    throw StockRebuilding()
  }

  /** Starts a rebuild in the background unless one is running here already. */
  start(dealId: string): void {
    if (this.running.has(dealId)) return
    const run = this.rebuild(dealId)
      .then(() => undefined)
      .catch((err: unknown) => this.options.logger.error({ err, dealId }, 'stock rebuild failed'))
      .finally(() => this.running.delete(dealId))
    this.running.set(dealId, run)
  }

  /** Rebuilds now if no other replica is; true when this call wrote the counters. */
  async rebuild(dealId: string): Promise<boolean> {
    const lockMs = this.options.settleMs + 60_000
    if (!(await this.stock.lockRebuild(dealId, randomUUID(), lockMs))) return false
    try {
      await sleep(this.options.settleMs)
      const deal = await this.db.deal.findUnique({ where: { id: dealId } })
      if (!deal) return false
      const orders = await this.db.order.findMany({
        where: { dealId, OR: [{ status: { not: 'CANCELLED' } }, { paidAt: { not: null } }] },
        select: {
          id: true,
          userId: true,
          quantity: true,
          status: true,
          reservationExpiresAt: true,
          paidAt: true,
        },
      })
      const state = stockFromOrders(deal, orders)
      const written = await this.stock.restore(dealId, state)
      if (written) this.options.logger.info({ dealId, ...state.levels }, 'stock rebuilt from PostgreSQL')
      return written
    } finally {
      await this.stock.unlockRebuild(dealId)
    }
  }

  /** Waits for the rebuilds this process started (on shutdown). */
  async drain(): Promise<void> {
    await Promise.allSettled([...this.running.values()])
  }
}
