// Routes: GET /.well-known/jwks.json (fetched by the gateway directly), admin key rotation and revocation.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { requireIdentity, requireRole } from '@deals/service-kit'
import { jwksSchema, revokeKeySchema, rotateSchema } from './schemas.ts'

export const signingKeyRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/.well-known/jwks.json',
    { schema: jwksSchema, config: { internalAuth: false } },
    async (_request, reply) => {
      reply.header('cache-control', 'public, max-age=60')
      return { keys: await app.authDomain.signingKeys.publishedKeys() }
    },
  )

  app.post(
    '/admin/signing-keys/rotate',
    { schema: rotateSchema, preHandler: requireRole('ADMIN') },
    async (request, reply) => {
      const rotated = await app.authDomain.signingKeys.rotate()
      request.log.info({ kid: rotated.kid, by: requireIdentity(request).userId }, 'signing key rotated')
      return reply.code(201).send(rotated)
    },
  )

  app.post(
    '/admin/signing-keys/:kid/revoke',
    { schema: revokeKeySchema, preHandler: requireRole('ADMIN') },
    async (request, reply) => {
      await app.authDomain.signingKeys.revoke(request.params.kid)
      request.log.warn(
        { kid: request.params.kid, by: requireIdentity(request).userId },
        'signing key revoked',
      )
      return reply.code(204).send(null)
    },
  )
}
