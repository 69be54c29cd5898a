// Puts a reservation's units back on sale and, when that ends a sell-out, tells the waiting room
// (`stock.restocked.v1` through the outbox). Releasing is idempotent, so every path that gives
// stock back (expiry, a failed order write, the sweeper) goes through here.
import { enqueue } from '@deals/messaging'
import { stockRestockedV1, type EventPayload } from '@deals/contracts'
import type { OrderDb } from '../database.ts'
import type { StockCounters } from './stock-counters.ts'

export class StockReturns {
  constructor(
    private readonly db: OrderDb,
    private readonly stock: StockCounters,
  ) {}

  /** True when this call released the units (false when they were already back). */
  async release(dealId: string, reservationId: string): Promise<boolean> {
    const { released, remainingBefore, quantity } = await this.stock.release(dealId, reservationId)
    if (released && remainingBefore === 0) {
      const payload: EventPayload<typeof stockRestockedV1> = {
        dealId,
        remaining: quantity,
        at: new Date().toISOString(),
      }
      await this.db.$transaction((tx) => enqueue(tx, { name: stockRestockedV1.name, payload }))
    }
    return released
  }
}
