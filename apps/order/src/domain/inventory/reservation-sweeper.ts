// Settles reservations whose deadline passed but that nothing settled: the order never committed
// (the process died between the reservation and the commit, or the write failed and the release
// did too), or the order was cancelled or paid but the process died before Redis was told.
// This is what leaves no stock reserved without a live order once reservations lapse.
import type { OrderDb } from '../database.ts'
import type { StockCounters } from './stock-counters.ts'
import type { StockReturns } from './stock-returns.ts'

export const RESERVATION_SWEEP_JOB = 'order.reservation-sweep'

/**
 * An order commits only if it checked, just before committing, that its reservation's deadline
 * had not passed; this margin covers that last step even on a loaded machine.
 */
export const SWEEP_GRACE_MS = 5000
const PAGE = 500

export class ReservationSweeper {
  constructor(
    private readonly db: OrderDb,
    private readonly stock: StockCounters,
    private readonly returns: StockReturns,
  ) {}

  async sweep(now = new Date()): Promise<{ released: number; committed: number }> {
    const before = new Date(now.getTime() - SWEEP_GRACE_MS)
    let released = 0
    let committed = 0
    for (const dealId of await this.stock.dealsWithStock()) {
      // Pending orders stay in the set, so the next page starts after them.
      for (let skipped = 0; ;) {
        const lapsed = await this.stock.lapsedReservations(dealId, before, skipped, PAGE)
        if (lapsed.length === 0) break
        const orders = await this.db.order.findMany({
          where: { id: { in: lapsed } },
          select: { id: true, status: true },
        })
        const statusOf = new Map(orders.map((o) => [o.id, o.status]))
        for (const id of lapsed) {
          const status = statusOf.get(id)
          // A pending order is its expiry job's to settle.
          if (status === 'PENDING_PAYMENT') skipped++
          else if (status === undefined || status === 'CANCELLED') {
            if (await this.returns.release(dealId, id)) released++
          } else if (await this.stock.commit(dealId, id)) committed++
        }
        if (lapsed.length < PAGE) break
      }
    }
    return { released, committed }
  }
}
