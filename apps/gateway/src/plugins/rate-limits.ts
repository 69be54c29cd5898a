// Requests per window, counted in Redis so every gateway replica shares the counters: per API
// key (its own limit), per signed-in user, or per client IP for anonymous calls. Counted just
// before forwarding (preHandler), once the caller is known, also where that is decided late
// (a purchase's token is verified after the edge has looked at it).
import fp from 'fastify-plugin'
import rateLimit from '@fastify/rate-limit'
import type { FastifyRequest } from 'fastify'
import { RateLimited } from '@deals/service-kit'

export interface RateLimitsOptions {
  windowMs: number
  userMax: number
  anonymousMax: number
}

// Probes and scrapes come often and from few addresses; limiting them would fail a healthy gateway.
const OPERATIONAL_ROUTES = new Set(['/healthz', '/readyz', '/metrics'])

function bucketOf(request: FastifyRequest): string {
  const identity = request.identity
  if (identity?.apiKeyId) return `key:${identity.apiKeyId}`
  if (identity) return `user:${identity.userId}`
  return `ip:${request.ip}`
}

export const rateLimits = fp<RateLimitsOptions>(
  async (app, { windowMs, userMax, anonymousMax }) => {
    await app.register(rateLimit, {
      redis: app.redis,
      nameSpace: 'rl:',
      hook: 'preHandler',
      // An API key's limit is per minute by contract; the others follow the configured window.
      timeWindow: (request) => (request.identity?.apiKeyId && request.apiKeyRateLimit ? 60_000 : windowMs),
      keyGenerator: bucketOf,
      allowList: (request) => OPERATIONAL_ROUTES.has(request.routeOptions.url ?? ''),
      max: (request) => {
        if (request.identity?.apiKeyId && request.apiKeyRateLimit) return request.apiKeyRateLimit
        return request.identity ? userMax : anonymousMax
      },
      errorResponseBuilder: (_request, context) =>
        RateLimited(`Too many requests, retry in ${context.after}`),
    })
  },
  { name: 'rate-limits', fastify: '5.x', dependencies: ['redis', 'authentication'] },
)
