// Prometheus metrics: the process defaults plus the RED set per route (rate and errors from
// the histogram's count by status, duration from its buckets). Other plugins add their own
// metrics to `app.metrics`.
import fp from 'fastify-plugin'
import { Histogram, Registry, collectDefaultMetrics } from 'prom-client'

declare module 'fastify' {
  interface FastifyInstance {
    metrics: Registry
  }
}

export interface MetricsOptions {
  service: string
  registry?: Registry
}

export const metricsPlugin = fp<MetricsOptions>(
  async (app, { service, registry = new Registry() }) => {
    registry.setDefaultLabels({ service })
    collectDefaultMetrics({ register: registry })
    const duration = new Histogram({
      name: 'http_server_request_duration_seconds',
      help: 'HTTP requests handled, by route and status',
      labelNames: ['method', 'route', 'status_code'] as const,
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    })
    app.decorate('metrics', registry)
    app.addHook('onResponse', async (request, reply) => {
      // Unmatched URLs share one label so a scan cannot blow up the series count.
      const route = request.routeOptions.url ?? 'unmatched'
      if (route === '/metrics') return
      duration.observe(
        { method: request.method, route, status_code: String(reply.statusCode) },
        reply.elapsedTime / 1000,
      )
    })
    app.get('/metrics', { config: { internalAuth: false }, logLevel: 'warn' }, async (_request, reply) =>
      reply.type(registry.contentType).send(await registry.metrics()),
    )
  },
  { name: 'metrics', fastify: '5.x' },
)
