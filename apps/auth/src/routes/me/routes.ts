// Routes: GET /me and the /me/addresses collection.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { requireIdentity, requireUser } from '@deals/service-kit'
import { normaliseKoreanMobile } from '../../domain/accounts/korean-phone.ts'
import {
  createAddressSchema,
  deleteAddressSchema,
  listAddressesSchema,
  meSchema,
  updateAddressSchema,
} from './schemas.ts'

/** Stores the phone in the canonical hyphenated form the schema already vouched for. */
const withCanonicalPhone = <T extends { phone?: string }>(body: T): T =>
  body.phone === undefined ? body : { ...body, phone: normaliseKoreanMobile(body.phone) ?? body.phone }

export const meRoutes: FastifyPluginAsyncZod = async (app) => {
  app.addHook('preHandler', requireUser)
  const userId = (request: Parameters<typeof requireIdentity>[0]) => requireIdentity(request).userId

  app.get('/me', { schema: meSchema }, async (request) => app.authDomain.profiles.me(userId(request)))

  app.get('/me/addresses', { schema: listAddressesSchema }, async (request) => ({
    items: await app.authDomain.addresses.list(userId(request)),
  }))

  app.post('/me/addresses', { schema: createAddressSchema }, async (request, reply) =>
    reply
      .code(201)
      .send(await app.authDomain.addresses.add(userId(request), withCanonicalPhone(request.body))),
  )

  app.patch('/me/addresses/:id', { schema: updateAddressSchema }, async (request) =>
    app.authDomain.addresses.update(userId(request), request.params.id, withCanonicalPhone(request.body)),
  )

  app.delete('/me/addresses/:id', { schema: deleteAddressSchema }, async (request, reply) => {
    await app.authDomain.addresses.remove(userId(request), request.params.id)
    return reply.code(204).send(null)
  })
}
