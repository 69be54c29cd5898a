// Requests per window per API key (its own limit), per signed-in user, or per client IP for
// anonymous calls. Counted just before forwarding (preHandler), once the caller is known, also
// where that is decided late (a purchase's token is verified after the edge has looked at it).
// Each process counts in memory and syncs with Redis every `syncIntervalMs`, so replicas share
// the budgets with no Redis round trip per request (rate-limits/synced-counters.ts says how close).
import fp from 'fastify-plugin'
import rateLimit from '@fastify/rate-limit'
import type { FastifyRequest } from 'fastify'
import { RateLimited } from '@deals/service-kit'
import { SyncedCounters, rateLimitStore } from '../rate-limits/synced-counters.ts'

declare module 'fastify' {
  interface FastifyInstance {
    /** This process's rate-limit counts; `flush()` syncs them with Redis now. */
    rateLimitCounters: SyncedCounters
  }
}

export interface RateLimitsOptions {
  windowMs: number
  userMax: number
  anonymousMax: number
  syncIntervalMs: number
}

/** A burst syncs before the interval is up once this many requests are unsynced. */
const SYNC_AFTER_REQUESTS = 1_000
/** Buckets kept in memory: a flood from many addresses cannot grow the map past it. */
const MAX_KEYS = 100_000

// Probes and scrapes come often and from few addresses; limiting them would fail a healthy gateway.
const OPERATIONAL_ROUTES = new Set(['/healthz', '/readyz', '/metrics'])

function bucketOf(request: FastifyRequest): string {
  const identity = request.identity
  if (identity?.apiKeyId) return `key:${identity.apiKeyId}`
  if (identity) return `user:${identity.userId}`
  return `ip:${request.ip}`
}

export const rateLimits = fp<RateLimitsOptions>(
  async (app, { windowMs, userMax, anonymousMax, syncIntervalMs }) => {
    const counters = new SyncedCounters({
      redis: app.redis,
      namespace: 'rl:',
      windowMs,
      syncIntervalMs,
      syncAfterRequests: SYNC_AFTER_REQUESTS,
      maxKeys: MAX_KEYS,
      log: app.log,
      metrics: { syncs: app.gatewayMetrics.rateLimitSyncs, keys: app.gatewayMetrics.rateLimitKeys },
    })
    app.decorate('rateLimitCounters', counters)
    app.addHook('onReady', async () => counters.start())
    // Runs before the Redis connection closes (onClose hooks run in reverse order of registration).
    app.addHook('onClose', async () => counters.close())

    await app.register(rateLimit, {
      store: rateLimitStore(counters),
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
  { name: 'rate-limits', fastify: '5.x', dependencies: ['redis', 'authentication', 'gateway-metrics'] },
)
