// Routes: GET /seller/settlements (a seller's token), GET /seller/v1/settlements (an API key with
// settlements:read, or the seller's token), POST /admin/settlements/run?date= (ADMIN).
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { requireRole, requireSeller, requireSellerScope, sellerIdOf } from '@deals/service-kit'
import { listSettlementsSchema, runSettlementSchema } from './schemas.ts'

export const settlementRoutes: FastifyPluginAsyncZod = async (app) => {
  const { settlements } = app.paymentDomain

  for (const [path, guard] of [
    ['/seller/settlements', requireSeller],
    ['/seller/v1/settlements', requireSellerScope('settlements:read')],
  ] as const) {
    app.get(path, { schema: listSettlementsSchema, onRequest: guard }, async (request) =>
      settlements.ofSeller(sellerIdOf(request), request.query),
    )
  }

  app.post(
    '/admin/settlements/run',
    { schema: runSettlementSchema, onRequest: requireRole('ADMIN') },
    async (request) => ({ date: request.query.date, items: await settlements.run(request.query.date) }),
  )
}
