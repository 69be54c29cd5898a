// Builds the party app the way main.ts does, against a database, Redis prefix and RabbitMQ vhost
// of its own. `replica()` starts another instance on the same database, Redis and broker (as a
// second process would); `restart()` replaces the main one; `close()` removes everything it made.
// Market events are published onto the vhost's exchange as the catalog's relay would.
import { randomUUID } from 'node:crypto'
import { fileURLToPath } from 'node:url'
import type { FastifyInstance, RouteOptions } from 'fastify'
import { Redis } from 'ioredis'
import pg from 'pg'
import { createServer } from '@deals/service-kit'
import { gatewayHeaders, TEST_GATEWAY_SECRET } from '@deals/service-kit/testing'
import { createRedisPrefix, createTestDatabase, createTestVhost } from '@deals/testing'
import { assertEventExchange, DEFAULT_EXCHANGE, openAmqpConnection } from '@deals/messaging'
import { waitUntil } from '@deals/messaging/testing'
import { marketCreatedV1, type Identity, type MarketSnapshot } from '@deals/contracts'
import { partyApp, partyServerOptions } from '../../src/app.ts'
import { loadPartyConfig } from '../../src/config.ts'

export const MIGRATIONS_DIR = fileURLToPath(new URL('../../prisma/migrations', import.meta.url))

export async function startTestPartyApp(env: Record<string, string> = {}) {
  const database = await createTestDatabase({ prefix: 'party', migrationsDir: MIGRATIONS_DIR })
  const redisPrefix = createRedisPrefix('party')
  const vhost = await createTestVhost('party')
  const keyPrefix = `${redisPrefix.prefix}party:`
  const config = loadPartyConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    GATEWAY_SIGNING_SECRET: TEST_GATEWAY_SECRET,
    DATABASE_URL: database.url,
    REDIS_URL: redisPrefix.url,
    REDIS_KEY_PREFIX: keyPrefix,
    AMQP_URL: vhost.url,
    ...env,
  })
  const redis = new Redis(redisPrefix.url, { keyPrefix })
  const pool = new pg.Pool({ connectionString: database.url, max: 2 })
  const amqp = await openAmqpConnection({ url: vhost.url, name: 'party-test-publisher' })
  const channel = await (await amqp.ready()).createConfirmChannel()
  await assertEventExchange(channel, DEFAULT_EXCHANGE)

  /** The routes the main app registered, for tests that walk all of them. */
  const routes: RouteOptions[] = []
  async function build(collect?: RouteOptions[]): Promise<FastifyInstance> {
    const app = createServer(partyServerOptions(config))
    if (collect) app.addHook('onRoute', (route) => void collect.push(route as RouteOptions))
    await app.register(partyApp, { config })
    await app.ready()
    return app
  }
  const replicas: FastifyInstance[] = []

  const t = {
    app: await build(routes),
    routes,
    config,
    database,
    vhost,
    /** A Redis client under the service's prefix. */
    redis,
    async sql<R extends pg.QueryResultRow = Record<string, unknown>>(text: string, values: unknown[] = []) {
      return (await pool.query<R>(text, values)).rows
    },
    async replica(): Promise<FastifyInstance> {
      const app = await build()
      replicas.push(app)
      return app
    },
    /** Closes the app and starts a new one on the same database, Redis and broker. */
    async restart() {
      await t.app.close()
      t.app = await build()
    },
    async publish(name: string, payload: unknown, id: string = randomUUID()) {
      const envelope = { id, name, occurredAt: new Date().toISOString(), producer: 'catalog', payload }
      channel.publish(DEFAULT_EXCHANGE, name, Buffer.from(JSON.stringify(envelope)), {
        messageId: id,
        type: name,
        persistent: true,
        contentType: 'application/json',
      })
      await channel.waitForConfirms()
    },
    /** Announces a market as the catalog would and waits until the party service has it. */
    async market(overrides: Partial<MarketSnapshot> = {}, name: string = marketCreatedV1.name) {
      const market: MarketSnapshot = {
        marketId: randomUUID(),
        name: '망원시장',
        address: '서울 마포구 포은로 8길 14',
        lat: 37.5559,
        lng: 126.9063,
        ...overrides,
      }
      await t.publish(name, market)
      await waitUntil(
        async () =>
          (
            await t.sql('SELECT 1 FROM markets WHERE id = $1 AND name = $2 AND lat = $3 AND lng = $4', [
              market.marketId,
              market.name,
              market.lat,
              market.lng,
            ])
          ).length === 1,
        { message: `market ${market.marketId} replicated` },
      )
      return market
    },
    async close() {
      await Promise.all([t.app.close(), ...replicas.map((r) => r.close())])
      await channel.close().catch(() => {})
      await amqp.close()
      redis.disconnect()
      await pool.end()
      await Promise.all([redisPrefix.cleanup(), database.drop(), vhost.drop()])
    },
  }
  return t
}

export type TestPartyApp = Awaited<ReturnType<typeof startTestPartyApp>>

type Method = 'GET' | 'POST' | 'DELETE' | 'PUT' | 'PATCH'

/** Calls an app (the main one unless given) as the gateway would, optionally as a signed-in identity. */
export function client(t: TestPartyApp) {
  return (
    method: Method,
    url: string,
    options: { body?: unknown; as?: Identity; app?: FastifyInstance; headers?: Record<string, string> } = {},
  ) =>
    (options.app ?? t.app).inject({
      method,
      url,
      headers: { ...gatewayHeaders(options.as), ...options.headers },
      ...(options.body === undefined ? {} : { payload: options.body as object }),
    })
}
