// Routes: POST|GET /api-keys, DELETE /api-keys/:id (sellers), POST /internal/api-keys/introspect (gateway).
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { requireIdentity, requireRole } from '@deals/service-kit'
import { createApiKeySchema, deleteApiKeySchema, introspectSchema, listApiKeysSchema } from './schemas.ts'

export const apiKeyRoutes: FastifyPluginAsyncZod = async (app) => {
  const seller = requireRole('SELLER')

  app.post('/api-keys', { schema: createApiKeySchema, preHandler: seller }, async (request, reply) => {
    const { name, scopes, expiresAt } = request.body
    const created = await app.authDomain.apiKeys.create(requireIdentity(request).userId, {
      name,
      scopes,
      ...(expiresAt ? { expiresAt: new Date(expiresAt) } : {}),
    })
    return reply.code(201).send(created)
  })

  app.get('/api-keys', { schema: listApiKeysSchema, preHandler: seller }, async (request) => ({
    items: await app.authDomain.apiKeys.list(requireIdentity(request).userId),
  }))

  app.delete('/api-keys/:id', { schema: deleteApiKeySchema, preHandler: seller }, async (request, reply) => {
    await app.authDomain.apiKeys.revoke(requireIdentity(request).userId, request.params.id)
    return reply.code(204).send(null)
  })

  // The gateway never forwards /api/auth/internal/* from clients; the signature check still applies.
  app.post('/internal/api-keys/introspect', { schema: introspectSchema }, async (request) =>
    app.authDomain.apiKeys.introspect(request.body.key),
  )
}
