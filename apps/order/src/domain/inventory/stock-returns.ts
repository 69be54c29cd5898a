// Puts a reservation's units back on sale and, when that ends a sell-out, tells the waiting room
// (`stock.restocked.v1` through the outbox). Releasing is idempotent, so every path that gives
// stock back (expiry, a failed order write, the sweeper, a cancel after payment) goes through here.
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
    if (released) await this.announce(dealId, remainingBefore, quantity)
    return released
  }

  /** The units of a paid order that was cancelled; true when this call put them back. */
  async unsell(order: {
    dealId: string
    orderId: string
    userId: string
    quantity: number
  }): Promise<boolean> {
    const { returned, remainingBefore, quantity } = await this.stock.unsell(order)
    if (returned) await this.announce(order.dealId, remainingBefore, quantity)
    return returned
  }

  private async announce(dealId: string, remainingBefore: number, quantity: number): Promise<void> {
    if (remainingBefore !== 0) return
    const payload: EventPayload<typeof stockRestockedV1> = {
      dealId,
      remaining: quantity,
      at: new Date().toISOString(),
    }
    await this.db.$transaction((tx) => enqueue(tx, { name: stockRestockedV1.name, payload }))
  }
}
