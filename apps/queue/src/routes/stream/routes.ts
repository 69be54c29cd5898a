// Route: GET /deals/:dealId/stream, a buyer's entry as server-sent events.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { buyerId, requireBuyerAccount } from '../buyer-account.ts'
import { streamSchema } from './schemas.ts'
import { formatSse } from './sse-format.ts'

export const streamRoutes: FastifyPluginAsyncZod = async (app) => {
  const { room, watch } = app.queueDomain

  app.get(
    '/deals/:dealId/stream',
    { schema: streamSchema, preHandler: requireBuyerAccount },
    async (request, reply) => {
      const { dealId } = request.params
      const userId = buyerId(request)
      // Refusals (unknown deal, not in line) are answered as problem+json before the stream starts.
      await room.find(dealId, userId)

      reply.hijack()
      const res = reply.raw
      res.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-transform',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
        'x-request-id': request.id,
      })
      res.write('retry: 3000\n\n')
      const unwatch = watch.watch(dealId, userId, {
        send: (event) => void res.write(formatSse(event)),
        end: () => res.end(),
      })
      res.on('close', unwatch)
    },
  )
}
