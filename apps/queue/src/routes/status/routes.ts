// Routes: GET /deals/:dealId/status (anyone), PUT /admin/deals/:dealId/admission-rate (ADMIN).
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { requireRole } from '@deals/service-kit'
import { setRateSchema, statusSchema } from './schemas.ts'

export const statusRoutes: FastifyPluginAsyncZod = async (app) => {
  const { room, deals } = app.queueDomain

  app.get('/deals/:dealId/status', { schema: statusSchema }, async (request) =>
    room.status(request.params.dealId),
  )

  app.put(
    '/admin/deals/:dealId/admission-rate',
    { schema: setRateSchema, preHandler: requireRole('ADMIN') },
    async (request) => {
      await deals.setAdmissionRate(request.params.dealId, request.body.perSecond)
      return room.status(request.params.dealId)
    },
  )
}
