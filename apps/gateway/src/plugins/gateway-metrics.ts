// The gateway's own counters, added to the kit's registry: upstream failures by service and
// cause, the verified-token cache's hits and misses, purchases answered at the edge, and how the
// rate-limit counters' syncs with Redis go.
import fp from 'fastify-plugin'
import { Counter, Gauge } from 'prom-client'

declare module 'fastify' {
  interface FastifyInstance {
    gatewayMetrics: {
      upstreamErrors: Counter<'service' | 'cause'>
      tokenCache: Counter<'result'>
      edgeAnswers: Counter<'code'>
      rateLimitSyncs: Counter<'result'>
      rateLimitKeys: Gauge
    }
  }
}

export const gatewayMetrics = fp(
  async (app) => {
    app.decorate('gatewayMetrics', {
      upstreamErrors: new Counter({
        name: 'gateway_upstream_errors_total',
        help: 'Proxied requests that failed to reach an upstream or timed out, by service and cause',
        labelNames: ['service', 'cause'] as const,
        registers: [app.metrics],
      }),
      tokenCache: new Counter({
        name: 'gateway_token_cache_lookups_total',
        help: 'Verified-token cache lookups, by hit or miss',
        labelNames: ['result'] as const,
        registers: [app.metrics],
      }),
      edgeAnswers: new Counter({
        name: 'gateway_edge_answers_total',
        help: 'Purchases refused by the gateway from what deal and stock events told it, by code',
        labelNames: ['code'] as const,
        registers: [app.metrics],
      }),
      rateLimitSyncs: new Counter({
        name: 'gateway_rate_limit_syncs_total',
        help: 'Batches of rate-limit counts sent to Redis, by ok or failed (then kept for the next one)',
        labelNames: ['result'] as const,
        registers: [app.metrics],
      }),
      rateLimitKeys: new Gauge({
        name: 'gateway_rate_limit_keys',
        help: 'Rate-limit buckets this process keeps in memory, as of its last sync',
        registers: [app.metrics],
      }),
    })
  },
  { name: 'gateway-metrics', fastify: '5.x', dependencies: ['metrics'] },
)
