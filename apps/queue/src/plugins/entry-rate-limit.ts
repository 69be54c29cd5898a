// Per-IP limits on entering a waiting room (routes opt in), counted in Redis so every replica
// shares them. The client IP comes from X-Forwarded-For only when the proxy (the gateway) is trusted.
import fp from 'fastify-plugin'
import rateLimit from '@fastify/rate-limit'
import { defineError } from '@deals/service-kit'

export const TooManyRequests = defineError(
  'TOO_MANY_REQUESTS',
  429,
  'Too many requests from this address; slow down',
)

export const entryRateLimitPlugin = fp(
  async (app) => {
    await app.register(rateLimit, {
      global: false,
      redis: app.redis,
      nameSpace: 'ip-limit:',
      skipOnError: true,
      errorResponseBuilder: (_request, context) => TooManyRequests(`Try again in ${context.after}`),
    })
  },
  { name: 'queue-entry-rate-limit', fastify: '5.x', dependencies: ['redis'] },
)
