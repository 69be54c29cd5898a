// The order service as a Fastify plugin: the purchase hot path (stock reservation in Redis, the
// durable order, idempotent retries), the purchase saga over the payment service's commands and
// replies, reservation expiry, the deal replica fed by catalog events and the stock counters' rebuild. Registration order: kit, connections, domain, routes.
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
import type { OrderConfig } from './config.ts'
import { databasePlugin } from './plugins/database.ts'
import { outboxRelayPlugin } from './plugins/outbox-relay.ts'
import { orderDomainPlugin } from './plugins/order-domain.ts'
import { dealEventsPlugin } from './plugins/deal-events.ts'
import { orderLifecyclePlugin } from './plugins/order-lifecycle.ts'
import { cartPlugin } from './plugins/cart.ts'
import { purchaseSagaPlugin } from './plugins/purchase-saga.ts'
import { orderRoutes } from './routes/orders/routes.ts'
import { stockRoutes } from './routes/stock/routes.ts'
import { orderLifecycleRoutes } from './routes/orders/lifecycle-routes.ts'
import { adminRoutes } from './routes/admin/routes.ts'
import { sellerRoutes } from './routes/seller/routes.ts'
import { cartRoutes } from './routes/cart/routes.ts'

export const SERVICE_NAME = 'order'

export interface OrderAppOptions {
  config: OrderConfig
}

/** Server settings for the order service: small JSON bodies, the gateway as the trusted proxy. */
export function orderServerOptions(config: OrderConfig): ServerOptions {
  return {
    service: SERVICE_NAME,
    logLevel: config.LOG_LEVEL,
    bodyLimit: 16 * 1024,
    trustProxy: config.TRUST_PROXY,
  }
}

export const orderApp = fp<OrderAppOptions>(
  async (app, { config }) => {
    await app.register(serviceKit, {
      service: SERVICE_NAME,
      title: 'Order: purchases from time deals, stock, order history',
      gatewaySigningSecret: config.GATEWAY_SIGNING_SECRET,
    })
    await app.register(discoveryPlugin, { service: SERVICE_NAME })

    await app.register(databasePlugin, {
      databaseUrl: config.DATABASE_URL,
      placementConnections: config.PLACEMENT_BATCHES_IN_FLIGHT,
    })
    await app.register(retentionPlugin, {
      db: app.orderDb,
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

    await app.register(orderDomainPlugin, { config })
    await app.register(dealEventsPlugin)
    await app.register(orderLifecyclePlugin, { config })
    await app.register(purchaseSagaPlugin, { config })
    await app.register(cartPlugin)

    await app.register(orderRoutes)
    await app.register(stockRoutes)
    await app.register(orderLifecycleRoutes)
    await app.register(adminRoutes)
    await app.register(sellerRoutes)
    await app.register(cartRoutes)
  },
  { name: 'order-app', fastify: '5.x' },
)
