// Routes: POST /parties/:id/penalties, GET /users/:id/penalties.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { requireIdentity, requireUser } from '@deals/service-kit'
import { markPenaltySchema, penaltyCountSchema } from './schemas.ts'

export const penaltyRoutes: FastifyPluginAsyncZod = async (app) => {
  const { penalties, penaltyCounts } = app.partyDomain

  app.post(
    '/parties/:id/penalties',
    { schema: markPenaltySchema, preHandler: requireUser },
    async (request, reply) => {
      const marked = await penalties.mark(requireIdentity(request).userId, request.params.id, request.body)
      return reply.code(marked.created ? 201 : 200).send(marked.penalty)
    },
  )

  app.get(
    '/users/:id/penalties',
    { schema: penaltyCountSchema, preHandler: requireUser },
    async (request) => ({
      userId: request.params.id,
      count: await penaltyCounts.count(request.params.id),
    }),
  )
}
