// The catalog service as a Fastify plugin: stores, products, images, categories, time deals and
// their schedule, search, likes, follows, keyword alerts, markets, the item master import, and
// the seller API with webhooks. Registration order: kit, connections, domain, routes.
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
import type { CatalogConfig } from './config.ts'
import { databasePlugin } from './plugins/database.ts'
import { outboxRelayPlugin } from './plugins/outbox-relay.ts'
import { objectStorePlugin } from './plugins/object-store.ts'
import { productImagesPlugin } from './plugins/product-images.ts'
import { imageRoutes } from './routes/images/routes.ts'
import { webhooksPlugin } from './plugins/webhooks.ts'
import { webhookEventConsumerPlugin } from './plugins/webhook-event-consumer.ts'
import { sellerApiRoutes } from './routes/seller-api/routes.ts'
import { itemMasterPlugin } from './plugins/item-master.ts'
import { marketRoutes } from './routes/markets/routes.ts'
import { itemRoutes } from './routes/items/routes.ts'
import { storefrontPlugin } from './plugins/storefront.ts'
import { storeRoutes } from './routes/stores/routes.ts'
import { categoryRoutes } from './routes/categories/routes.ts'
import { productRoutes } from './routes/products/routes.ts'
import { meRoutes } from './routes/me/routes.ts'
import { dealsPlugin } from './plugins/deals.ts'
import { dealRoutes } from './routes/deals/routes.ts'

export const SERVICE_NAME = 'catalog'

export interface CatalogAppOptions {
  config: CatalogConfig
}

/** Server settings for the catalog service; image uploads need the larger body limit. */
export function catalogServerOptions(config: CatalogConfig): ServerOptions {
  return {
    service: SERVICE_NAME,
    logLevel: config.LOG_LEVEL,
    bodyLimit: 64 * 1024,
    trustProxy: config.TRUST_PROXY,
  }
}

export const catalogApp = fp<CatalogAppOptions>(
  async (app, { config }) => {
    await app.register(serviceKit, {
      service: SERVICE_NAME,
      title: 'Catalog: stores, products, time deals, search, markets, item master and the seller API',
      gatewaySigningSecret: config.GATEWAY_SIGNING_SECRET,
    })
    await app.register(discoveryPlugin, { service: SERVICE_NAME })

    await app.register(databasePlugin, { databaseUrl: config.DATABASE_URL })
    await app.register(retentionPlugin, {
      db: app.catalogDb,
      rules: [inboxRetentionRule(config.INBOX_RETENTION_HOURS)],
      intervalMs: config.RETENTION_SWEEP_INTERVAL_MS,
    })
    await app.register(redisPlugin, { url: config.REDIS_URL, keyPrefix: config.REDIS_KEY_PREFIX })
    await app.register(outboxRelayPlugin, {
      amqpUrl: config.AMQP_URL,
      databaseUrl: config.DATABASE_URL,
      producer: SERVICE_NAME,
    })
    await app.register(jobsPlugin, { databaseUrl: config.DATABASE_URL })
    await app.register(objectStorePlugin, { config })

    // Domain plugins and routes, one line each, grouped by area.
    await app.register(productImagesPlugin, { config })
    await app.register(imageRoutes, { maxImageBytes: config.IMAGE_MAX_BYTES })
    await app.register(storefrontPlugin)
    await app.register(storeRoutes)
    await app.register(categoryRoutes)
    await app.register(productRoutes)
    await app.register(meRoutes)
    await app.register(dealsPlugin, { config })
    await app.register(dealRoutes)
    await app.register(marketRoutes)
    await app.register(itemMasterPlugin, { concurrency: config.ITEM_IMPORT_CONCURRENCY })
    await app.register(itemRoutes)
    await app.register(webhooksPlugin, { config })
    await app.register(webhookEventConsumerPlugin)
    await app.register(sellerApiRoutes)
  },
  { name: 'catalog-app', fastify: '5.x' },
)
