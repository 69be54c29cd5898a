// Routes: POST /deals/:dealId/entries, GET|DELETE /deals/:dealId/entries/me.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { buyerId, requireBuyerAccount } from '../buyer-account.ts'
import { enterSchema, leaveSchema, myEntrySchema } from './schemas.ts'

export interface EntryRoutesOptions {
  entryMaxPerIpPerMinute: number
}

export const entryRoutes: FastifyPluginAsyncZod<EntryRoutesOptions> = async (
  app,
  { entryMaxPerIpPerMinute },
) => {
  const { room } = app.queueDomain

  app.post(
    '/deals/:dealId/entries',
    {
      schema: enterSchema,
      preHandler: requireBuyerAccount,
      config: { rateLimit: { max: entryMaxPerIpPerMinute, timeWindow: 60_000 } },
    },
    async (request) => room.enter(request.params.dealId, buyerId(request)),
  )

  app.get(
    '/deals/:dealId/entries/me',
    { schema: myEntrySchema, preHandler: requireBuyerAccount },
    async (request) => room.find(request.params.dealId, buyerId(request)),
  )

  app.delete(
    '/deals/:dealId/entries/me',
    { schema: leaveSchema, preHandler: requireBuyerAccount },
    async (request, reply) => {
      await room.leave(request.params.dealId, buyerId(request))
      return reply.code(204).send(null)
    },
  )
}
