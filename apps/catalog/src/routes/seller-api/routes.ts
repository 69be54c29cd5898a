// The seller API (/seller/v1) the catalog serves, for partner systems holding a seller's API key:
// webhooks, products and deals. Sales and returns are the order service's, settlements payment's.
import type { FastifyPluginAsync } from 'fastify'
import { sellerWebhookRoutes } from './webhooks/routes.ts'

export const sellerApiRoutes: FastifyPluginAsync = async (app) => {
  await app.register(sellerWebhookRoutes)
}
