// The gateway as a Fastify plugin: verifies who is calling (JWT by JWKS, seller API keys),
// rate-limits, strips client-sent identity and forwards a signed one to the service that owns
// the path, resolved through discovery. Refuses at the edge purchases that deal and stock events
// say would be refused. Also serves the aggregated API docs.
import fp from 'fastify-plugin'
import cors from '@fastify/cors'
import {
  NotFound,
  discoveryPlugin,
  errorsPlugin,
  healthPlugin,
  metricsPlugin,
  redisPlugin,
} from '@deals/service-kit'
import type { GatewayConfig } from './config.ts'
import { gatewayMetrics } from './plugins/gateway-metrics.ts'
import { rateLimits } from './plugins/rate-limits.ts'
import { authentication } from './auth/authentication.ts'
import { JwksStore } from './auth/jwks-store.ts'
import { TokenVerifier } from './auth/token-verifier.ts'
import { ApiKeyResolver } from './auth/api-key-resolver.ts'
import { createUpstreamAgent } from './proxy/upstream-agent.ts'
import { createUpstreamClient } from './proxy/upstream-client.ts'
import { proxyRoutes } from './proxy/proxy-routes.ts'
import { DEFAULT_SERVICE_URLS, ROUTE_TABLE, isInternalPath } from './proxy/route-table.ts'
import { apiDocs } from './openapi/api-docs.ts'
import { DealEdgeState } from './edge/deal-edge-state.ts'
import { DealEventsSubscription } from './edge/deal-events-subscription.ts'
import { edgeAnswers, isPlacement } from './edge/edge-answers.ts'

declare module 'fastify' {
  interface FastifyInstance {
    /** Set when the gateway answers at the edge: what it knows and where it hears it from. */
    dealEdge: { state: DealEdgeState; subscription: DealEventsSubscription } | undefined
  }
}

/** As long as the order service replays an Idempotency-Key's answer. */
const REMEMBER_KEYS_MS = 24 * 3600_000

export interface GatewayOptions {
  config: GatewayConfig
  /** Where discovery reads CONSUL_URL, SERVICE_<NAME>_URL and ADVERTISED_HOST; the process environment by default. */
  env?: Record<string, string | undefined>
}

export const gatewayApp = fp<GatewayOptions>(
  async (app, { config, env = process.env }) => {
    // External plugins: errors, operations, connections.
    await app.register(errorsPlugin)
    await app.register(healthPlugin)
    await app.register(metricsPlugin, { service: 'gateway' })
    await app.register(gatewayMetrics)
    // The platform's loopback ports stand in for any SERVICE_<NAME>_URL left unset.
    await app.register(discoveryPlugin, { service: 'gateway', env: { ...DEFAULT_SERVICE_URLS, ...env } })
    await app.register(redisPlugin, { url: config.REDIS_URL, keyPrefix: config.REDIS_KEY_PREFIX })
    await app.register(cors, { origin: config.CORS_ORIGINS, credentials: true, maxAge: 600 })

    const agent = createUpstreamAgent({
      connections: config.UPSTREAM_CONNECTIONS,
      pipelining: config.UPSTREAM_PIPELINING,
      headersTimeoutMs: config.UPSTREAM_TIMEOUT_MS,
    })
    app.addHook('onClose', async () => agent.close())
    const upstream = createUpstreamClient(app.discovery, agent, config.GATEWAY_SIGNING_SECRET)

    // Credentials: auth's signing keys and API-key introspection.
    const jwks = new JwksStore({
      load: async () => (await upstream.json('auth', '/.well-known/jwks.json')) as { keys: [] },
      refreshIntervalMs: config.JWKS_REFRESH_INTERVAL_MS,
      unknownKidCooldownMs: config.JWKS_UNKNOWN_KID_COOLDOWN_MS,
      onError: (error) =>
        app.log.warn({ err: (error as Error).message }, 'JWKS refresh failed, keeping the known keys'),
    })
    app.addReadinessCheck('jwks', async () => {
      if (!jwks.loaded) await jwks.reload()
    })
    app.addHook('onReady', async () => {
      await jwks
        .reload()
        .catch((error: unknown) => app.log.warn({ err: (error as Error).message }, 'JWKS not loaded yet'))
      jwks.start()
    })
    app.addHook('onClose', async () => jwks.stop())
    const tokens = new TokenVerifier(jwks, {
      issuer: config.JWT_ISSUER,
      audience: config.JWT_AUDIENCE,
      cacheSize: config.TOKEN_CACHE_SIZE,
      onCacheLookup: (hit) => app.gatewayMetrics.tokenCache.inc({ result: hit ? 'hit' : 'miss' }),
    })
    const apiKeys = new ApiKeyResolver({
      introspect: (key) =>
        upstream.json('auth', '/internal/api-keys/introspect', { method: 'POST', body: { key } }),
      positiveTtlMs: config.API_KEY_CACHE_TTL_MS,
      negativeTtlMs: config.API_KEY_NEGATIVE_CACHE_TTL_MS,
    })

    await app.register(apiDocs, {
      services: ROUTE_TABLE.filter((route) => !route.sellerApi),
      upstream,
      refreshIntervalMs: config.OPENAPI_REFRESH_INTERVAL_MS,
    })

    // Service-to-service paths are never reachable from outside, however they are spelled.
    app.addHook('onRequest', async (request) => {
      if (isInternalPath(request.url)) throw NotFound()
    })
    const edgeOn = config.EDGE_ANSWERS && config.AMQP_URL !== undefined
    await app.register(authentication, { tokens, apiKeys, ...(edgeOn ? { defer: isPlacement } : {}) })
    await app.register(rateLimits, {
      windowMs: config.RATE_LIMIT_WINDOW_MS,
      userMax: config.RATE_LIMIT_USER_MAX,
      anonymousMax: config.RATE_LIMIT_ANONYMOUS_MAX,
      syncIntervalMs: config.RATE_LIMIT_SYNC_INTERVAL_MS,
    })

    app.decorate('dealEdge', undefined)
    if (edgeOn && config.AMQP_URL) {
      const state = new DealEdgeState()
      const subscription = new DealEventsSubscription({ amqpUrl: config.AMQP_URL, state, logger: app.log })
      app.dealEdge = { state, subscription }
      app.addHook('onReady', async () => {
        await subscription
          .start()
          .catch((error: unknown) =>
            app.log.warn(
              { err: (error as Error).message },
              'broker unreachable: every purchase is forwarded',
            ),
          )
      })
      app.addHook('onClose', async () => subscription.stop())
      await app.register(edgeAnswers, {
        state,
        tokens,
        rememberedKeys: config.EDGE_REMEMBERED_KEYS,
        rememberKeysMs: REMEMBER_KEYS_MS,
      })
    }

    // Routes.
    await app.register(proxyRoutes, {
      routes: ROUTE_TABLE,
      agent,
      signingSecret: config.GATEWAY_SIGNING_SECRET,
      imageBodyLimit: config.IMAGE_BODY_LIMIT_BYTES,
      upstreamTimeoutMs: config.UPSTREAM_TIMEOUT_MS,
    })
  },
  { name: 'gateway', fastify: '5.x' },
)
