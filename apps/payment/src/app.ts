// The payment service as a Fastify plugin: wallets on a double-entry ledger, the payment side of
// the purchase saga (commands in through the inbox, replies out through the outbox), the provider
// (PG) flow on durable jobs, and sellers' nightly settlements. Registration order: kit,
// connections, domain, consumers, routes.
import fp from 'fastify-plugin'
import {
  discoveryPlugin,
  redisPlugin,
  retentionPlugin,
  serviceKit,
  type ServerOptions,
} from '@deals/service-kit'
import { idempotencyRetentionRule } from '@deals/idempotency'
import { inboxRetentionRule } from '@deals/messaging'
import { jobsPlugin } from '@deals/jobs'
import type { PaymentConfig } from './config.ts'
import type { PaymentProvider } from './domain/provider/payment-provider.ts'
import { databasePlugin } from './plugins/database.ts'
import { outboxRelayPlugin } from './plugins/outbox-relay.ts'
import { paymentDomainPlugin } from './plugins/payment-domain.ts'
import { sagaCommandsPlugin } from './plugins/saga-commands.ts'
import { shareCommandsPlugin } from './plugins/share-commands.ts'
import { walletRoutes } from './routes/wallet/routes.ts'
import { paymentRoutes } from './routes/payments/routes.ts'
import { settlementRoutes } from './routes/settlements/routes.ts'
import { adminPaymentRoutes } from './routes/admin/routes.ts'

export const SERVICE_NAME = 'payment'

export interface PaymentAppOptions {
  config: PaymentConfig
  /** Replaces the HTTP provider client built from the config (tests). */
  provider?: PaymentProvider
}

/** Server settings for the payment service: small JSON bodies, the gateway as the trusted proxy. */
export function paymentServerOptions(config: PaymentConfig): ServerOptions {
  return {
    service: SERVICE_NAME,
    logLevel: config.LOG_LEVEL,
    bodyLimit: 16 * 1024,
    trustProxy: config.TRUST_PROXY,
  }
}

export const paymentApp = fp<PaymentAppOptions>(
  async (app, { config, provider }) => {
    await app.register(serviceKit, {
      service: SERVICE_NAME,
      title: 'Payment: wallets, order payments, refunds, seller settlements',
      gatewaySigningSecret: config.GATEWAY_SIGNING_SECRET,
    })
    await app.register(discoveryPlugin, { service: SERVICE_NAME })

    await app.register(databasePlugin, { databaseUrl: config.DATABASE_URL })
    await app.register(retentionPlugin, {
      db: app.paymentDb,
      rules: [
        inboxRetentionRule(config.INBOX_RETENTION_HOURS),
        idempotencyRetentionRule(config.IDEMPOTENCY_RETENTION_HOURS),
      ],
      intervalMs: config.RETENTION_SWEEP_INTERVAL_MS,
    })
    await app.register(redisPlugin, { url: config.REDIS_URL, keyPrefix: config.REDIS_KEY_PREFIX })
    await app.register(outboxRelayPlugin, {
      amqpUrl: config.AMQP_URL,
      databaseUrl: config.DATABASE_URL,
      producer: SERVICE_NAME,
    })
    await app.register(jobsPlugin, { databaseUrl: config.DATABASE_URL })

    await app.register(paymentDomainPlugin, { config, provider })
    await app.register(sagaCommandsPlugin)
    await app.register(shareCommandsPlugin)

    await app.register(walletRoutes)
    await app.register(settlementRoutes)
    await app.register(paymentRoutes)
    await app.register(adminPaymentRoutes)
  },
  { name: 'payment-app', fastify: '5.x' },
)
