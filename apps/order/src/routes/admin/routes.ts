// Route: GET /admin/sagas (ADMIN): the purchase sagas, or the stuck ones, for operators.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { requireRole } from '@deals/service-kit'
import { listSagasSchema } from './schemas.ts'

export const adminRoutes: FastifyPluginAsyncZod = async (app) => {
  const { sagaQueries } = app.orderDomain

  app.get('/admin/sagas', { schema: listSagasSchema, onRequest: requireRole('ADMIN') }, async (request) =>
    sagaQueries.list(request.query),
  )
}
