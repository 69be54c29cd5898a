// Prometheus metrics: process defaults, RED per route (a proxied route is labelled by its
// prefix pattern, so the series count stays bounded), upstream failures by service and cause,
// and the verified-token cache's hits and misses.
import fp from 'fastify-plugin'
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client'

declare module 'fastify' {
  interface FastifyInstance {
    gatewayMetrics: {
      upstreamErrors: Counter<'service' | 'cause'>
      tokenCache: Counter<'result'>
    }
  }
}

export const metrics = fp(
  async (app) => {
    const registry = new Registry()
    registry.setDefaultLabels({ service: 'gateway' })
    collectDefaultMetrics({ register: registry })
    const duration = new Histogram({
      name: 'http_server_request_duration_seconds',
      help: 'HTTP requests handled, by route and status',
      labelNames: ['method', 'route', 'status_code'] as const,
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    })
    app.decorate('metrics', registry)
    app.decorate('gatewayMetrics', {
      upstreamErrors: new Counter({
        name: 'gateway_upstream_errors_total',
        help: 'Proxied requests that failed to reach an upstream or timed out, by service and cause',
        labelNames: ['service', 'cause'] as const,
        registers: [registry],
      }),
      tokenCache: new Counter({
        name: 'gateway_token_cache_lookups_total',
        help: 'Verified-token cache lookups, by hit or miss',
        labelNames: ['result'] as const,
        registers: [registry],
      }),
    })
    app.addHook('onResponse', async (request, reply) => {
      const route = request.routeOptions.url ?? 'unmatched'
      if (route === '/metrics') return
      duration.observe(
        { method: request.method, route, status_code: String(reply.statusCode) },
        reply.elapsedTime / 1000,
      )
    })
    app.get('/metrics', { logLevel: 'warn', config: { rateLimit: false } }, async (_request, reply) =>
      reply.type(registry.contentType).send(await registry.metrics()),
    )
  },
  { name: 'metrics', fastify: '5.x' },
)
