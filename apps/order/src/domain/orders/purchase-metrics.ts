// Product metrics of the purchase path, in the service's registry: reservation outcomes, sell-outs,
// and the remaining stock of every deal open right now (read from Redis at scrape time).
import { Counter, Gauge, Histogram, type Registry } from 'prom-client'

export interface PurchaseMetrics {
  reservation(outcome: string): void
  soldOut(): void
  /** A group commit of `size` order writes. */
  placementBatch(size: number): void
}

export function purchaseMetrics(
  registry: Registry,
  openDealsRemaining: () => Promise<{ dealId: string; remaining: number }[]>,
): PurchaseMetrics {
  const reservations = new Counter({
    name: 'order_reservations_total',
    help: 'Stock reservation attempts by outcome (reserved, sold_out, purchase_limit_exceeded, ...)',
    labelNames: ['outcome'],
    registers: [registry],
  })
  const soldOut = new Counter({
    name: 'order_sold_out_total',
    help: 'Deals whose last unit was reserved',
    registers: [registry],
  })
  const batches = new Histogram({
    name: 'order_placement_batch_size',
    help: 'Orders written per transaction by the group commit of the purchase path',
    buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256],
    registers: [registry],
  })
  new Gauge({
    name: 'order_stock_remaining',
    help: 'Units still available, per open deal',
    labelNames: ['deal_id'],
    registers: [registry],
    async collect() {
      this.reset()
      for (const { dealId, remaining } of await openDealsRemaining()) this.set({ deal_id: dealId }, remaining)
    },
  })
  return {
    reservation: (outcome) => reservations.inc({ outcome: outcome.toLowerCase() }),
    soldOut: () => soldOut.inc(),
    placementBatch: (size) => batches.observe(size),
  }
}
