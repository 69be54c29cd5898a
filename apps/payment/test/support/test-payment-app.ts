// Builds the payment app the way main.ts does, against a database, Redis prefix and RabbitMQ vhost
// of its own. `close()` removes everything it created; `restart()` closes the app and builds a
// new one on the same database, as a process restart would. Also: raw SQL, a client that calls
// as the gateway would, and the ledger's invariants checked straight in the database.
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { fileURLToPath } from 'node:url'
import type { FastifyInstance, RouteOptions } from 'fastify'
import pg from 'pg'
import { createServer } from '@deals/service-kit'
import { gatewayHeaders, TEST_GATEWAY_SECRET } from '@deals/service-kit/testing'
import { createRedisPrefix, createTestDatabase, createTestVhost } from '@deals/testing'
import type { Identity } from '@deals/contracts'
import { paymentApp, paymentServerOptions } from '../../src/app.ts'
import { loadPaymentConfig, type PaymentConfig } from '../../src/config.ts'
import type { PaymentProvider } from '../../src/domain/provider/payment-provider.ts'

export const MIGRATIONS_DIR = fileURLToPath(new URL('../../prisma/migrations', import.meta.url))

export async function startTestPaymentApp(
  overrides: Record<string, string> = {},
  options: { provider?: PaymentProvider } = {},
) {
  const database = await createTestDatabase({ prefix: 'payment', migrationsDir: MIGRATIONS_DIR })
  const redisPrefix = createRedisPrefix('payment')
  const vhost = await createTestVhost('payment')
  const env: Record<string, string> = {
    NODE_ENV: 'test',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    GATEWAY_SIGNING_SECRET: TEST_GATEWAY_SECRET,
    DATABASE_URL: database.url,
    REDIS_URL: redisPrefix.url,
    REDIS_KEY_PREFIX: `${redisPrefix.prefix}payment:`,
    AMQP_URL: vhost.url,
    ...overrides,
  }
  const config = loadPaymentConfig(env)

  const routes: RouteOptions[] = []
  async function build(): Promise<FastifyInstance> {
    const app = createServer(paymentServerOptions(config))
    app.addHook('onRoute', (route) => void routes.push(route as RouteOptions))
    await app.register(paymentApp, { config, ...(options.provider ? { provider: options.provider } : {}) })
    await app.ready()
    return app
  }

  let stopped = false
  const t = {
    app: await build(),
    /** Every route the app registered, with its schemas. */
    routes,
    config: config as PaymentConfig,
    env,
    database,
    vhost,
    /** Closes the app and starts a new one on the same database, Redis prefix and broker. */
    async restart() {
      await t.app.close()
      routes.length = 0
      t.app = await build()
    },
    async stop() {
      stopped = true
      await t.app.close()
    },
    async close() {
      if (!stopped) await t.app.close()
      await Promise.all([redisPrefix.cleanup(), database.drop(), vhost.drop()])
    },
  }
  return t
}

export type TestPaymentApp = Awaited<ReturnType<typeof startTestPaymentApp>>

/** Runs SQL straight against the service's database, to look at raw rows or age them. */
export async function sql<R extends pg.QueryResultRow = Record<string, unknown>>(
  t: TestPaymentApp,
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
export function client(t: TestPaymentApp) {
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

export const buyer = (userId: string = randomUUID()): Identity => ({ userId, roles: ['BUYER'] })
export const seller = (sellerId: string = randomUUID()): Identity => ({
  userId: randomUUID(),
  roles: ['SELLER'],
  sellerId,
})
export const admin = (): Identity => ({ userId: randomUUID(), roles: ['ADMIN'] })

/** Tops up a wallet through the route, as its owner would. */
export async function topUp(t: TestPaymentApp, userId: string, amount: number): Promise<void> {
  const res = await client(t)('POST', '/wallet/charge', {
    as: buyer(userId),
    body: { amount },
    headers: { 'idempotency-key': randomUUID() },
  })
  assert.equal(res.statusCode, 200, res.body)
}

/**
 * The ledger's invariants, read from the database: every transaction's entries sum to zero, every
 * account's balance is the sum of its entries, all balances together are zero, no wallet is negative.
 */
export async function assertLedgerBalanced(t: TestPaymentApp): Promise<void> {
  const unbalanced = await sql(
    t,
    `SELECT transaction_id FROM ledger_entries GROUP BY transaction_id HAVING SUM(amount) <> 0`,
  )
  assert.deepEqual(unbalanced, [], 'every ledger transaction sums to zero')
  const drifted = await sql(
    t,
    `SELECT a.id FROM accounts a LEFT JOIN ledger_entries e ON e.account_id = a.id
     GROUP BY a.id, a.balance HAVING a.balance <> COALESCE(SUM(e.amount), 0)`,
  )
  assert.deepEqual(drifted, [], 'every balance equals the sum of its entries')
  const [total] = await sql<{ total: string }>(
    t,
    `SELECT COALESCE(SUM(balance), 0)::text AS total FROM accounts`,
  )
  assert.equal(total?.total, '0', 'all balances together are zero')
  const negative = await sql(t, `SELECT id FROM accounts WHERE kind = 'USER_WALLET' AND balance < 0`)
  assert.deepEqual(negative, [], 'no wallet is negative')
}

export async function walletBalance(t: TestPaymentApp, userId: string): Promise<number> {
  const rows = await sql<{ balance: string }>(
    t,
    `SELECT balance::text FROM accounts WHERE kind = 'USER_WALLET' AND owner_id = $1`,
    [userId],
  )
  return Number(rows[0]?.balance ?? 0)
}
