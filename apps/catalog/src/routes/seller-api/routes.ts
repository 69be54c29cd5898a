// The seller API (/seller/v1) the catalog serves, for partner systems holding a seller's API key:
// products, deals and webhooks. Sales and returns are the order service's, settlements payment's.
import type { FastifyPluginAsync } from 'fastify'
import { sellerDealRoutes } from './deals/routes.ts'
import { sellerProductRoutes } from './products/routes.ts'
import { sellerWebhookRoutes } from './webhooks/routes.ts'

export const sellerApiRoutes: FastifyPluginAsync = async (app) => {
  await app.register(sellerProductRoutes)
  await app.register(sellerDealRoutes)
  await app.register(sellerWebhookRoutes)
}
