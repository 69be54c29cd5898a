// Routes: GET /me/wishlist, GET /me/following, GET|POST /me/keyword-alerts, DELETE /me/keyword-alerts/:id.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { requireIdentity, requireUser } from '@deals/service-kit'
import {
  createKeywordAlertSchema,
  deleteKeywordAlertSchema,
  followingSchema,
  listKeywordAlertsSchema,
  wishlistSchema,
} from './schemas.ts'

export const meRoutes: FastifyPluginAsyncZod = async (app) => {
  const { likes, follows, keywordAlerts } = app.storefront
  const me = (request: Parameters<typeof requireIdentity>[0]) => requireIdentity(request).userId

  app.get('/me/wishlist', { schema: wishlistSchema, preHandler: requireUser }, async (request) =>
    likes.wishlist(me(request), request.query),
  )

  app.get('/me/following', { schema: followingSchema, preHandler: requireUser }, async (request) =>
    follows.following(me(request), request.query),
  )

  app.get(
    '/me/keyword-alerts',
    { schema: listKeywordAlertsSchema, preHandler: requireUser },
    async (request) => ({
      items: await keywordAlerts.list(me(request)),
    }),
  )

  app.post(
    '/me/keyword-alerts',
    { schema: createKeywordAlertSchema, preHandler: requireUser },
    async (request, reply) => {
      const { alert, created } = await keywordAlerts.add(me(request), request.body.keyword)
      return reply.code(created ? 201 : 200).send(alert)
    },
  )

  app.delete(
    '/me/keyword-alerts/:id',
    { schema: deleteKeywordAlertSchema, preHandler: requireUser },
    async (request, reply) => {
      await keywordAlerts.remove(me(request), request.params.id)
      return reply.code(204).send(null)
    },
  )
}
