// The notification service as a Fastify plugin: every user's notification feed (deal reminders,
// keyword alerts, followed stores' deals, parties nearby and their own, chat while offline, order
// status), delivered in-app with a live stream that works across replicas and resumes by
// Last-Event-ID, and by e-mail for the kinds a user opted into. Registration order: kit,
// connections, domain, routes.
import fp from 'fastify-plugin'
import {
  discoveryPlugin,
  redisPlugin,
  retentionPlugin,
  serviceKit,
  type ServerOptions,
} from '@deals/service-kit'
import { inboxRetentionRule } from '@deals/messaging'
import { jobsPlugin } from '@deals/jobs'
import type { NotificationConfig } from './config.ts'
import { databasePlugin } from './plugins/database.ts'
import { mailerPlugin } from './plugins/mailer.ts'
import { notificationDomainPlugin } from './plugins/notification-domain.ts'
import { eventConsumersPlugin } from './plugins/event-consumers.ts'
import { notificationMetricsPlugin } from './plugins/notification-metrics.ts'
import { notificationRoutes } from './routes/notifications/routes.ts'
import { streamRoutes } from './routes/stream/routes.ts'
import { preferenceRoutes } from './routes/preferences/routes.ts'
import { locationRoutes } from './routes/location/routes.ts'

export const SERVICE_NAME = 'notification'

export interface NotificationAppOptions {
  config: NotificationConfig
}

/** Server settings for the notification service: tiny bodies, the gateway as the only trusted proxy. */
export function notificationServerOptions(config: NotificationConfig): ServerOptions {
  return {
    service: SERVICE_NAME,
    logLevel: config.LOG_LEVEL,
    bodyLimit: 4 * 1024,
    trustProxy: config.TRUST_PROXY,
  }
}

export const notificationApp = fp<NotificationAppOptions>(
  async (app, { config }) => {
    await app.register(serviceKit, {
      service: SERVICE_NAME,
      title: 'Notification: feeds, live stream, preferences, reminders and e-mail',
      gatewaySigningSecret: config.GATEWAY_SIGNING_SECRET,
    })
    await app.register(discoveryPlugin, { service: SERVICE_NAME })

    await app.register(databasePlugin, { databaseUrl: config.DATABASE_URL })
    await app.register(retentionPlugin, {
      db: app.notificationDb,
      rules: [inboxRetentionRule(config.INBOX_RETENTION_HOURS)],
      intervalMs: config.RETENTION_SWEEP_INTERVAL_MS,
    })
    await app.register(redisPlugin, { url: config.REDIS_URL, keyPrefix: config.REDIS_KEY_PREFIX })
    await app.register(jobsPlugin, { databaseUrl: config.DATABASE_URL })
    await app.register(mailerPlugin, { smtpUrl: config.SMTP_URL, from: config.MAIL_FROM })

    await app.register(notificationDomainPlugin, { config })
    await app.register(eventConsumersPlugin, { amqpUrl: config.AMQP_URL })
    await app.register(notificationMetricsPlugin)

    await app.register(notificationRoutes)
    await app.register(streamRoutes)
    await app.register(preferenceRoutes)
    await app.register(locationRoutes)
  },
  { name: 'notification-app', fastify: '5.x' },
)
