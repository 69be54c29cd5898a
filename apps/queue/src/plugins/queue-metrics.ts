// Product metrics of the waiting rooms, read from Redis when Prometheus scrapes (every replica
// reports the same shared numbers; aggregate with max, not sum), and the streams this replica holds.
import fp from 'fastify-plugin'
import { Gauge } from 'prom-client'
import type { QueueConfig } from '../config.ts'
import { ACTIVE_DEALS_KEY, dealKeys } from '../domain/waiting-room/queue-keys.ts'

export const queueMetricsPlugin = fp<{ config: QueueConfig }>(
  async (app, { config }) => {
    const { redis, metrics } = app
    const waiting = new Gauge({
      name: 'queue_waiting',
      help: 'Buyers waiting in a deal’s waiting room',
      labelNames: ['deal_id'] as const,
      registers: [metrics],
    })
    const active = new Gauge({
      name: 'queue_active_admissions',
      help: 'Admissions given and not yet expired, by deal',
      labelNames: ['deal_id'] as const,
      registers: [metrics],
    })
    const rate = new Gauge({
      name: 'queue_admission_rate',
      help: 'Buyers let in per second, by deal (the configured rate or the deal’s own)',
      labelNames: ['deal_id'] as const,
      registers: [metrics],
      async collect() {
        waiting.reset()
        active.reset()
        rate.reset()
        const now = Date.now()
        for (const dealId of await redis.smembers(ACTIVE_DEALS_KEY)) {
          const keys = dealKeys(dealId)
          const [count, shopping, own] = await Promise.all([
            redis.zcard(keys.waiting),
            redis.zcount(keys.admitted, now, '+inf'),
            redis.hget(keys.state, 'rate'),
          ])
          waiting.set({ deal_id: dealId }, count)
          active.set({ deal_id: dealId }, shopping)
          rate.set({ deal_id: dealId }, Number(own ?? config.ADMISSION_RATE_PER_SECOND))
        }
      },
    })
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
