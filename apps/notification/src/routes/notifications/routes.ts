// Routes: GET /, POST /:id/read, POST /read-all, GET /unread-count.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { requireIdentity, requireUser } from '@deals/service-kit'
import { listSchema, readAllSchema, readSchema, unreadCountSchema } from './schemas.ts'

export const notificationRoutes: FastifyPluginAsyncZod = async (app) => {
  const { mine } = app.notificationDomain
  const me = (request: Parameters<typeof requireIdentity>[0]) => requireIdentity(request).userId

  app.get('/', { schema: listSchema, preHandler: requireUser }, async (request) =>
    mine.list(me(request), request.query),
  )

  app.post('/:id/read', { schema: readSchema, preHandler: requireUser }, async (request) =>
    mine.markRead(me(request), request.params.id),
  )

  app.post('/read-all', { schema: readAllSchema, preHandler: requireUser }, async (request) => ({
    updated: await mine.markAllRead(me(request)),
  }))

  app.get('/unread-count', { schema: unreadCountSchema, preHandler: requireUser }, async (request) => ({
    count: await mine.unreadCount(me(request)),
  }))
}
