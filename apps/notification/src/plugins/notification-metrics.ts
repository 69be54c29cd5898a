// Product metrics of the notification service: the live streams this replica holds.
import fp from 'fastify-plugin'
import { Gauge } from 'prom-client'

export const notificationMetricsPlugin = fp(
  async (app) => {
    const { live } = app.notificationDomain
    new Gauge({
      name: 'sse_connections',
      help: 'Notification streams (server-sent events) open on this replica',
      registers: [app.metrics],
      collect() {
        this.set(live.size)
      },
    })
  },
  { name: 'notification-metrics', fastify: '5.x', dependencies: ['notification-domain', 'metrics'] },
)
