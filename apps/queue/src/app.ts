// The queue service as a Fastify plugin: the virtual waiting rooms of time deals. Buyers enter,
// follow their place live, and are let in at each deal's admission rate with a signed admission
// token for the order service. Registration order: kit, connections, domain, routes.
import fp from 'fastify-plugin'
import {
  discoveryPlugin,
  ipRateLimitPlugin,
  redisPlugin,
  retentionPlugin,
  serviceKit,
  type ServerOptions,
} from '@deals/service-kit'
import { inboxRetentionRule } from '@deals/messaging'
import type { QueueConfig } from './config.ts'
import { databasePlugin } from './plugins/database.ts'
import { queueDomainPlugin } from './plugins/queue-domain.ts'
import { eventConsumersPlugin } from './plugins/event-consumers.ts'
import { admissionLoopPlugin } from './plugins/admission-loop.ts'
import { queueMetricsPlugin } from './plugins/queue-metrics.ts'
import { entryRoutes } from './routes/entries/routes.ts'
import { streamRoutes } from './routes/stream/routes.ts'
import { statusRoutes } from './routes/status/routes.ts'

export const SERVICE_NAME = 'queue'

export interface QueueAppOptions {
  config: QueueConfig
}

/** Server settings for the queue service: tiny bodies, the gateway as the only trusted proxy. */
export function queueServerOptions(config: QueueConfig): ServerOptions {
  return {
    service: SERVICE_NAME,
    logLevel: config.LOG_LEVEL,
    bodyLimit: 4 * 1024,
    trustProxy: config.TRUST_PROXY,
  }
}

export const queueApp = fp<QueueAppOptions>(
  async (app, { config }) => {
    await app.register(serviceKit, {
      service: SERVICE_NAME,
      title: 'Queue: the virtual waiting rooms of time deals and their admission tokens',
      gatewaySigningSecret: config.GATEWAY_SIGNING_SECRET,
    })
    await app.register(discoveryPlugin, { service: SERVICE_NAME })

    await app.register(databasePlugin, { databaseUrl: config.DATABASE_URL })
    await app.register(retentionPlugin, {
      db: app.queueDb,
      rules: [inboxRetentionRule(config.INBOX_RETENTION_HOURS)],
      intervalMs: config.RETENTION_SWEEP_INTERVAL_MS,
    })
    await app.register(redisPlugin, { url: config.REDIS_URL, keyPrefix: config.REDIS_KEY_PREFIX })
    await app.register(ipRateLimitPlugin)

    await app.register(queueDomainPlugin, { config })
    await app.register(eventConsumersPlugin, { amqpUrl: config.AMQP_URL })
    await app.register(admissionLoopPlugin, { config })
    await app.register(queueMetricsPlugin, { config })

    await app.register(entryRoutes, { entryMaxPerIpPerMinute: config.ENTRY_MAX_PER_IP_PER_MINUTE })
    await app.register(streamRoutes)
    await app.register(statusRoutes)
  },
  { name: 'queue-app', fastify: '5.x' },
)
