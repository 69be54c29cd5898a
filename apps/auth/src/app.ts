// The auth service as a Fastify plugin: accounts, sessions and tokens, signing keys, addresses,
// seller onboarding and seller API keys. Registration order: kit, connections, domain, routes.
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
import type { AuthConfig } from './config.ts'
import { databasePlugin } from './plugins/database.ts'
import { mailerPlugin } from './plugins/mailer.ts'
import { outboxRelayPlugin } from './plugins/outbox-relay.ts'
import { authDomainPlugin } from './plugins/auth-domain.ts'
import { registrationRoutes } from './routes/registration/routes.ts'
import { sessionRoutes } from './routes/sessions/routes.ts'
import { signingKeyRoutes } from './routes/signing-keys/routes.ts'
import { meRoutes } from './routes/me/routes.ts'
import { sellerApplicationRoutes } from './routes/seller-applications/routes.ts'
import { apiKeyRoutes } from './routes/api-keys/routes.ts'

export const SERVICE_NAME = 'auth'

export interface AuthAppOptions {
  config: AuthConfig
  /** Waits between mail retries; tests shorten them. */
  mailRetryBackoffMs?: readonly number[]
}

/** Server settings for the auth service: small JSON bodies, the gateway as the only trusted proxy. */
export function authServerOptions(config: AuthConfig): ServerOptions {
  return {
    service: SERVICE_NAME,
    logLevel: config.LOG_LEVEL,
    bodyLimit: 16 * 1024,
    trustProxy: config.TRUST_PROXY,
  }
}

export const authApp = fp<AuthAppOptions>(
  async (app, { config, mailRetryBackoffMs }) => {
    await app.register(serviceKit, {
      service: SERVICE_NAME,
      title: 'Auth: accounts, sessions, signing keys, sellers and API keys',
      gatewaySigningSecret: config.GATEWAY_SIGNING_SECRET,
    })
    await app.register(discoveryPlugin, { service: SERVICE_NAME })

    await app.register(databasePlugin, { databaseUrl: config.DATABASE_URL })
    await app.register(retentionPlugin, {
      db: app.authDb,
      rules: [inboxRetentionRule(config.INBOX_RETENTION_HOURS)],
      intervalMs: config.RETENTION_SWEEP_INTERVAL_MS,
    })
    await app.register(redisPlugin, { url: config.REDIS_URL, keyPrefix: config.REDIS_KEY_PREFIX })
    await app.register(mailerPlugin, {
      smtpUrl: config.SMTP_URL,
      from: config.MAIL_FROM,
      retryBackoffMs: mailRetryBackoffMs,
    })
    await app.register(ipRateLimitPlugin)
    await app.register(outboxRelayPlugin, {
      amqpUrl: config.AMQP_URL,
      databaseUrl: config.DATABASE_URL,
      producer: SERVICE_NAME,
    })

    await app.register(authDomainPlugin, { config })

    await app.register(registrationRoutes)
    await app.register(sessionRoutes, { loginMaxPerIpPerMinute: config.LOGIN_MAX_PER_IP_PER_MINUTE })
    await app.register(signingKeyRoutes)
    await app.register(meRoutes)
    await app.register(sellerApplicationRoutes)
    await app.register(apiKeyRoutes)
  },
  { name: 'auth-app', fastify: '5.x' },
)
