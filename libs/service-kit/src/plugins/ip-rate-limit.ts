// Per-IP request limits on the routes that opt in (`config: { rateLimit: { max, timeWindow } }`),
// counted in Redis so every replica shares them. The client IP comes from X-Forwarded-For only
// when the proxy (the gateway) is trusted.
import fp from 'fastify-plugin'
import rateLimit from '@fastify/rate-limit'
import { defineError } from '../errors.ts'

/** A service route's per-IP limit; the gateway's per-client budget answers `RATE_LIMITED` instead. */
export const TooManyRequests = defineError(
  'TOO_MANY_REQUESTS',
  429,
  'Too many requests from this address; slow down',
)

export const ipRateLimitPlugin = fp(
  async (app) => {
    await app.register(rateLimit, {
      global: false,
      redis: app.redis,
      nameSpace: 'ip-limit:',
      // A Redis outage lets requests through rather than refusing every one of them.
      skipOnError: true,
      errorResponseBuilder: (_request, context) => TooManyRequests(`Try again in ${context.after}`),
    })
  },
  { name: 'ip-rate-limit', fastify: '5.x', dependencies: ['redis'] },
)
