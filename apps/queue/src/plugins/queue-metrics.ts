// Product metrics of the waiting rooms, read from Redis when Prometheus scrapes (every replica
// reports the same shared numbers; aggregate with max, not sum), and the streams this replica holds.
import fp from 'fastify-plugin'
import { Gauge } from 'prom-client'
import type { QueueConfig } from '../config.ts'
import { ACTIVE_DEALS_KEY, dealKeys } from '../domain/waiting-room/queue-keys.ts'

export const queueMetricsPlugin = fp<{ config: QueueConfig }>(
  async (app, { config }) => {
    const { redis, metrics } = app
    interface DealNumbers {
      dealId: string
      waiting: number
      active: number
      rate: number
    }
    // One Redis read per scrape serves the three gauges (each collects before it is serialised).
    let lastRead: { at: number; numbers: Promise<DealNumbers[]> } | undefined
    const read = () => {
      if (!lastRead || Date.now() - lastRead.at > 1_000) lastRead = { at: Date.now(), numbers: readDeals() }
      return lastRead.numbers
    }
    async function readDeals(): Promise<DealNumbers[]> {
      const now = Date.now()
      return Promise.all(
        (await redis.smembers(ACTIVE_DEALS_KEY)).map(async (dealId) => {
          const keys = dealKeys(dealId)
          const [waiting, active, own] = await Promise.all([
            redis.zcard(keys.waiting),
            redis.zcount(keys.admitted, now, '+inf'),
            redis.hget(keys.state, 'rate'),
          ])
          return { dealId, waiting, active, rate: Number(own ?? config.ADMISSION_RATE_PER_SECOND) }
        }),
      )
    }
    const perDeal = (name: string, help: string, value: (d: DealNumbers) => number) =>
      new Gauge({
        name,
        help,
        labelNames: ['deal_id'] as const,
        registers: [metrics],
        async collect() {
          this.reset()
          for (const deal of await read()) this.set({ deal_id: deal.dealId }, value(deal))
        },
      })
    perDeal('queue_waiting', 'Buyers waiting in a deal’s waiting room', (d) => d.waiting)
    perDeal('queue_active_admissions', 'Admissions given and not yet expired, by deal', (d) => d.active)
    perDeal(
      'queue_admission_rate',
      'Buyers let in per second, by deal (the configured rate or the deal’s own)',
      (d) => d.rate,
    )
    new Gauge({
      name: 'sse_connections',
      help: 'Entry streams (server-sent events) open on this replica',
      registers: [metrics],
      collect() {
        this.set(app.queueDomain.watch.size)
      },
    })
  },
  { name: 'queue-metrics', fastify: '5.x', dependencies: ['queue-domain', 'metrics', 'redis'] },
)
