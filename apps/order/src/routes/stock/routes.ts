// Route: GET /deals/:dealId/stock, open to anyone who comes through the gateway.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { dealStockSchema } from './schemas.ts'

export const stockRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get('/deals/:dealId/stock', { schema: dealStockSchema }, async (request) =>
    app.orderDomain.rebuild.levels(request.params.dealId),
  )
}
