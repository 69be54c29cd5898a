// Per-IP request limits (only on routes that opt in, i.e. /login), counted in Redis so all
// replicas share them. The client IP comes from X-Forwarded-For only when the proxy is trusted.
import fp from 'fastify-plugin'
import rateLimit from '@fastify/rate-limit'
import { defineError } from '@deals/service-kit'

export const TooManyRequests = defineError(
  'TOO_MANY_REQUESTS',
  429,
  'Too many requests from this address; slow down',
)

export const loginRateLimitPlugin = fp(
  async (app) => {
    await app.register(rateLimit, {
      global: false,
      redis: app.redis,
      nameSpace: 'ip-limit:',
      skipOnError: true,
      errorResponseBuilder: (_request, context) => TooManyRequests(`Try again in ${context.after}`),
    })
  },
  { name: 'login-rate-limit', fastify: '5.x', dependencies: ['redis'] },
)
