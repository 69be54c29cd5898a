// Routes: POST /signup, GET /verify, POST /verify/resend.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { resendSchema, signupSchema, verifySchema } from './schemas.ts'

export const registrationRoutes: FastifyPluginAsyncZod = async (app) => {
  app.post('/signup', { schema: signupSchema }, async (request, reply) =>
    reply.code(201).send(await app.authDomain.registration.signup(request.body)),
  )

  app.get('/verify', { schema: verifySchema }, async (request) => {
    await app.authDomain.registration.verify(request.query.token)
    return { verified: true as const }
  })

  app.post('/verify/resend', { schema: resendSchema }, async (request, reply) => {
    await app.authDomain.registration.resend(request.body.email)
    return reply.code(202).send({ accepted: true as const })
  })
}
