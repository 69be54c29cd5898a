// Route: GET /stream, the user's notifications as server-sent events, resumable by Last-Event-ID.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { requireIdentity, requireUser } from '@deals/service-kit'
import { streamSchema } from './schemas.ts'
import { formatSse } from './sse-format.ts'

/** A client this far behind is cut off; it resumes from its Last-Event-ID when it reconnects. */
const MAX_BUFFERED_BYTES = 1024 * 1024

export const streamRoutes: FastifyPluginAsyncZod = async (app) => {
  const { live } = app.notificationDomain

  app.get('/stream', { schema: streamSchema, preHandler: requireUser }, async (request, reply) => {
    const userId = requireIdentity(request).userId
    const resumeFrom = request.headers['last-event-id'] ?? request.query.lastEventId
    reply.hijack()
    const res = reply.raw
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
      'x-request-id': request.id,
    })
    const target = {
      send: (event: Parameters<typeof formatSse>[0]) => {
        res.write(formatSse(event))
        if (res.writableLength > MAX_BUFFERED_BYTES) res.end()
      },
      end: () => res.end(),
    }
    try {
      const close = await live.open(userId, resumeFrom === undefined ? undefined : Number(resumeFrom), target)
      if (res.destroyed) return close()
      res.on('close', close)
      // The head goes out with the first bytes, once the stream is live: a client holding the
      // response is already subscribed and misses nothing published from then on.
      res.write('retry: 3000\n\n')
    } catch (err) {
      request.log.warn({ err }, 'notification stream could not start')
      res.end()
    }
  })
}
