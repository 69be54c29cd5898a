// Builds the order app the way main.ts does, against a database, Redis prefix and RabbitMQ vhost
// of its own. `close()` removes everything it created; `restart()` closes the app and builds a
// new one on the same database, as a process restart would. `env` is what a child process of
// the service needs to run against the same resources.
import { randomUUID } from 'node:crypto'
import { fileURLToPath } from 'node:url'
import type { FastifyInstance, RouteOptions } from 'fastify'
import pg from 'pg'
import { Redis } from 'ioredis'
import { createServer } from '@deals/service-kit'
import { gatewayHeaders, TEST_GATEWAY_SECRET } from '@deals/service-kit/testing'
import { createRedisPrefix, createTestDatabase, createTestVhost } from '@deals/testing'
import type { DealSnapshot, Identity } from '@deals/contracts'
import { orderApp, orderServerOptions } from '../../src/app.ts'
import { loadOrderConfig, type OrderConfig } from '../../src/config.ts'

export const MIGRATIONS_DIR = fileURLToPath(new URL('../../prisma/migrations', import.meta.url))
export const TEST_ADMISSION_SECRET = 'test-only-admission-token-secret-0123456789'

export async function startTestOrderApp(overrides: Record<string, string> = {}) {
  const database = await createTestDatabase({ prefix: 'order', migrationsDir: MIGRATIONS_DIR })
  const redisPrefix = createRedisPrefix('order')
  const vhost = await createTestVhost('order')
  const env: Record<string, string> = {
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    GATEWAY_SIGNING_SECRET: TEST_GATEWAY_SECRET,
    DATABASE_URL: database.url,
    REDIS_URL: redisPrefix.url,
    REDIS_KEY_PREFIX: `${redisPrefix.prefix}order:`,
    AMQP_URL: vhost.url,
    ADMISSION_TOKEN_SECRET: TEST_ADMISSION_SECRET,
    STOCK_REBUILD_SETTLE_MS: '100',
    ...overrides,
  }
  const config = loadOrderConfig(env)
  /** A raw connection under the service's key prefix, to look at or wipe its keys. */
  const redis = new Redis(config.REDIS_URL, { keyPrefix: config.REDIS_KEY_PREFIX })

  const routes: RouteOptions[] = []
  async function build(): Promise<FastifyInstance> {
    const app = createServer(orderServerOptions(config))
    app.addHook('onRoute', (route) => void routes.push(route as RouteOptions))
    await app.register(orderApp, { config })
    await app.ready()
    return app
  }

  let stopped = false
  const closing: (() => Promise<void>)[] = []
  const t = {
    app: await build(),
    /** Every route the app registered, with its schemas. */
    routes,
    config: config as OrderConfig,
    env,
    database,
    vhost,
    redis,
    /** Closes the app and starts a new one on the same database, Redis prefix and broker. */
    async restart() {
      await t.app.close()
      routes.length = 0
      t.app = await build()
    },
    /** Closes the app but keeps its database, Redis keys and vhost, e.g. for a child process. */
    async stop() {
      stopped = true
      await t.app.close()
    },
    /** Runs on `close()`, before the app closes (test doubles attached to the run). */
    onClose(fn: () => Promise<void>) {
      closing.push(fn)
    },
    async close() {
      for (const fn of closing) await fn()
      if (!stopped) await t.app.close()
      redis.disconnect()
      await Promise.all([redisPrefix.cleanup(), database.drop(), vhost.drop()])
    },
  }
  return t
}

export type TestOrderApp = Awaited<ReturnType<typeof startTestOrderApp>>

/** A deal snapshot as the catalog publishes it, open now unless told otherwise. */
export function dealSnapshot(overrides: Partial<DealSnapshot> = {}): DealSnapshot {
  const now = Date.now()
  return {
    dealId: randomUUID(),
    version: 1,
    status: 'OPEN',
    sellerId: randomUUID(),
    storeId: randomUUID(),
    productId: randomUUID(),
    productName: 'Jeju tangerines 5 kg',
    categoryId: null,
    dealPrice: 9900,
    regularPrice: 19900,
    quantity: 10,
    perUserLimit: 1,
    startsAt: new Date(now - 60_000).toISOString(),
    endsAt: new Date(now + 3_600_000).toISOString(),
    queueRequired: false,
    ...overrides,
  }
}

/** Applies a deal snapshot the way the deal-events consumer does, and returns it. */
export async function seedDeal(
  t: TestOrderApp,
  overrides: Partial<DealSnapshot> = {},
): Promise<DealSnapshot> {
  const deal = dealSnapshot(overrides)
  await t.app.orderDb.$transaction((tx) => t.app.orderDomain.deals.apply(tx, deal))
  return deal
}

/** Runs SQL straight against the service's database, to look at raw rows or age them. */
export async function sql<R extends pg.QueryResultRow = Record<string, unknown>>(
  t: TestOrderApp,
  text: string,
  values: unknown[] = [],
) {
  const db = new pg.Client({ connectionString: t.database.url })
  await db.connect()
  try {
    return (await db.query<R>(text, values)).rows
  } finally {
    await db.end()
  }
}

type Method = 'GET' | 'POST' | 'PUT' | 'DELETE'

/** Calls the app as the gateway would, optionally as a signed-in identity. */
export function client(t: TestOrderApp) {
  return (
    method: Method,
    url: string,
    options: { body?: unknown; as?: Identity; headers?: Record<string, string> } = {},
  ) =>
    t.app.inject({
      method,
      url,
      headers: { ...gatewayHeaders(options.as), ...options.headers },
      ...(options.body === undefined ? {} : { payload: options.body as object }),
    })
}

/** An order request body for the deal, with a fresh Idempotency-Key unless one is given. */
export function purchase(
  deal: { dealId: string },
  body: Record<string, unknown> = {},
  key: string = randomUUID(),
) {
  return {
    body: { dealId: deal.dealId, quantity: 1, paymentMethod: 'WALLET', ...body },
    headers: { 'idempotency-key': key },
  }
}
