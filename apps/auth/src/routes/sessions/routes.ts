// Routes: POST /login, POST /refresh, POST /logout.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { requireIdentity } from '@deals/service-kit'
import { loginSchema, logoutSchema, refreshSchema } from './schemas.ts'

export interface SessionRoutesOptions {
  loginMaxPerIpPerMinute: number
}

export const sessionRoutes: FastifyPluginAsyncZod<SessionRoutesOptions> = async (
  app,
  { loginMaxPerIpPerMinute },
) => {
  app.post(
    '/login',
    { schema: loginSchema, config: { rateLimit: { max: loginMaxPerIpPerMinute, timeWindow: 60_000 } } },
    async (request) => app.authDomain.sessions.login(request.body),
  )

  app.post('/refresh', { schema: refreshSchema }, async (request) =>
    app.authDomain.sessions.rotate(request.body.refreshToken),
  )

  app.post('/logout', { schema: logoutSchema }, async (request, reply) => {
    const body = request.body
    if ('allDevices' in body) await app.authDomain.sessions.logoutEverywhere(requireIdentity(request).userId)
    else await app.authDomain.sessions.logout(body.refreshToken)
    return reply.code(204).send(null)
  })
}
