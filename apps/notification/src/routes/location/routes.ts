// Routes: GET|PUT|DELETE /me/location.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { requireIdentity, requireUser } from '@deals/service-kit'
import { deleteLocationSchema, getLocationSchema, putLocationSchema } from './schemas.ts'

export const locationRoutes: FastifyPluginAsyncZod = async (app) => {
  const { locations } = app.notificationDomain

  app.get('/me/location', { schema: getLocationSchema, preHandler: requireUser }, async (request) =>
    locations.get(requireIdentity(request).userId),
  )

  app.put('/me/location', { schema: putLocationSchema, preHandler: requireUser }, async (request) =>
    locations.save(requireIdentity(request).userId, request.body),
  )

  app.delete(
    '/me/location',
    { schema: deleteLocationSchema, preHandler: requireUser },
    async (request, reply) => {
      await locations.remove(requireIdentity(request).userId)
      return reply.code(204).send(null)
    },
  )
}
