// Routes: GET /preferences, PUT /preferences/:kind.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { requireIdentity, requireUser } from '@deals/service-kit'
import { listPreferencesSchema, setPreferenceSchema } from './schemas.ts'

export const preferenceRoutes: FastifyPluginAsyncZod = async (app) => {
  const { preferences } = app.notificationDomain

  app.get('/preferences', { schema: listPreferencesSchema, preHandler: requireUser }, async (request) => ({
    items: await preferences.list(requireIdentity(request).userId),
  }))

  app.put('/preferences/:kind', { schema: setPreferenceSchema, preHandler: requireUser }, async (request) =>
    preferences.set(requireIdentity(request).userId, request.params.kind, request.body),
  )
}
