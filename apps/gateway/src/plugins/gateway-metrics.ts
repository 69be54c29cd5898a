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
    const counter = <L extends string>(name: string, help: string, labelNames: readonly L[]) =>
      new Counter<L>({ name, help, labelNames, registers: [app.metrics] })
    app.decorate('gatewayMetrics', {
      upstreamErrors: counter(
        'gateway_upstream_errors_total',
        'Proxied requests that failed to reach an upstream or timed out, by service and cause',
        ['service', 'cause'],
      ),
      tokenCache: counter(
        'gateway_token_cache_lookups_total',
        'Verified-token cache lookups, by hit or miss',
        ['result'],
      ),
      edgeAnswers: counter(
        'gateway_edge_answers_total',
        'Purchases refused by the gateway from what deal and stock events told it, by code',
        ['code'],
      ),
      rateLimitSyncs: counter(
        'gateway_rate_limit_syncs_total',
        'Batches of rate-limit counts sent to Redis, by ok or failed (then kept for the next one)',
        ['result'],
      ),
      rateLimitKeys: new Gauge({
        name: 'gateway_rate_limit_keys',
        help: 'Rate-limit buckets this process keeps in memory, as of its last sync',
        registers: [app.metrics],
      }),
    })
  },
  { name: 'gateway-metrics', fastify: '5.x', dependencies: ['metrics'] },
)
