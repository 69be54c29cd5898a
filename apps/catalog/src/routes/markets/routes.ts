// Routes: POST /markets, PATCH /markets/:id (ADMIN), GET /markets/nearby, GET /markets/:id.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { requireRole } from '@deals/service-kit'
import { MarketDirectory } from '../../domain/markets/market-directory.ts'
import { createMarketSchema, getMarketSchema, nearbyMarketsSchema, updateMarketSchema } from './schemas.ts'

export const marketRoutes: FastifyPluginAsyncZod = async (app) => {
  const markets = new MarketDirectory(app.catalogDb)
  const admin = requireRole('ADMIN')

  app.post('/markets', { schema: createMarketSchema, preHandler: admin }, async (request, reply) =>
    reply.code(201).send(await markets.create(request.body)),
  )

  app.patch('/markets/:id', { schema: updateMarketSchema, preHandler: admin }, async (request) =>
    markets.update(request.params.id, request.body),
  )

  app.get('/markets/nearby', { schema: nearbyMarketsSchema }, async (request) =>
    markets.nearby(request.query),
  )

  app.get('/markets/:id', { schema: getMarketSchema }, async (request) => markets.get(request.params.id))
}
