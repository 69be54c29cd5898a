// The services a flash sale runs through, each its own process on 127.0.0.1 with its own
// database, Redis key prefix and RabbitMQ vhost: auth (the JWKS), order, the gateway (restartable
// with other settings, to measure its levers), and the PostgreSQL-only comparison server.
import { randomBytes, randomUUID } from 'node:crypto'
import { fileURLToPath } from 'node:url'
import { join } from 'node:path'
import pg from 'pg'
import { DEFAULT_EXCHANGE, openAmqpConnection, type AmqpConnection } from '@deals/messaging'
import { dealOpenedV1, type DealSnapshot } from '@deals/contracts'
import { signIdentityHeaders } from '@deals/service-kit'
import { createRedisPrefix, createTestDatabase, createTestVhost, type TestRedis } from '@deals/testing'
import { startServiceProcess, type ServiceProcess } from './service-processes.ts'
import { PG_ONLY_SCHEMA } from './pg-only-reservation-server.ts'
import { dealSnapshot } from '../../test/support/test-order-app.ts'

export const ROOT = fileURLToPath(new URL('../../../../', import.meta.url))
const migrations = (service: string) => join(ROOT, 'apps', service, 'prisma', 'migrations')
const LOG_DIR = join(ROOT, 'apps', 'order', 'bench', 'results', 'logs')

export const JWT_ISSUER = 'deals-auth'
export const JWT_AUDIENCE = 'deals-api'

/** The order service's extra settings and node options (e.g. `--cpu-prof`), for experiments. */
export async function startFlashSaleStack(orderEnv: Record<string, string> = {}, orderNodeArgs?: string[]) {
  const signingSecret = randomBytes(32).toString('base64url')
  const dataEncryptionKey = randomBytes(32).toString('base64')
  const [authDb, orderDb, pgOnlyDb, vhost] = await Promise.all([
    createTestDatabase({ prefix: 'bench_auth', migrationsDir: migrations('auth') }),
    createTestDatabase({ prefix: 'bench_order', migrationsDir: migrations('order') }),
    createTestDatabase({ prefix: 'bench_pgonly' }),
    createTestVhost('bench_flash'),
  ])
  const redis = ['auth', 'order', 'gateway', 'race'].map((name) => createRedisPrefix(`bench_${name}`))
  const [authRedis, orderRedis, gatewayRedis, raceRedis] = redis as [
    TestRedis,
    TestRedis,
    TestRedis,
    TestRedis,
  ]
  const common = { NODE_ENV: 'development', LOG_LEVEL: 'warn', GATEWAY_SIGNING_SECRET: signingSecret }
  const running: ServiceProcess[] = []
  const start = async (name: string, entry: string, env: Record<string, string>, nodeArgs?: string[]) => {
    const service = await startServiceProcess({
      name,
      root: ROOT,
      entry,
      env: { ...common, ...env },
      ...(nodeArgs ? { nodeArgs } : {}),
      logFile: join(LOG_DIR, `${name}.log`),
    })
    running.push(service)
    return service
  }

  const auth = await start('auth', 'apps/auth/src/main.ts', {
    DATABASE_URL: authDb.url,
    REDIS_URL: authRedis.url,
    REDIS_KEY_PREFIX: `${authRedis.prefix}auth:`,
    AMQP_URL: vhost.url,
    DATA_ENCRYPTION_KEY: dataEncryptionKey,
    JWT_ISSUER,
    JWT_AUDIENCE,
  })
  const order = await start(
    'order',
    'apps/order/src/main.ts',
    {
      DATABASE_URL: orderDb.url,
      REDIS_URL: orderRedis.url,
      REDIS_KEY_PREFIX: `${orderRedis.prefix}order:`,
      AMQP_URL: vhost.url,
      // Longer than the whole bench: no reservation is released while it runs.
      RESERVATION_TTL_SECONDS: '7200',
      ...orderEnv,
    },
    orderNodeArgs,
  )
  const admin = new pg.Client({ connectionString: pgOnlyDb.url })
  await admin.connect()
  await admin.query(PG_ONLY_SCHEMA).finally(() => admin.end())
  const pgOnly = await start('pg-only', 'apps/order/bench/support/pg-only-reservation-server.ts', {
    DATABASE_URL: pgOnlyDb.url,
  })
  const amqp: AmqpConnection = await openAmqpConnection({ url: vhost.url, name: 'bench-catalog' })

  let gateway: ServiceProcess | undefined
  const stack = {
    auth,
    order,
    pgOnly,
    signingSecret,
    dataEncryptionKey,
    authDb,
    orderDb,
    pgOnlyDb,
    vhost,
    /** A key prefix of its own for the reservation race. */
    raceRedis,
    get gateway(): ServiceProcess {
      if (!gateway) throw new Error('the gateway is not running')
      return gateway
    },
    /** (Re)starts the gateway with these settings on top of the stack's. */
    async startGateway(env: Record<string, string>, nodeArgs?: string[]) {
      if (gateway) {
        await gateway.stop()
        running.splice(running.indexOf(gateway), 1)
      }
      gateway = await start(
        'gateway',
        'apps/gateway/src/main.ts',
        {
          REDIS_URL: gatewayRedis.url,
          REDIS_KEY_PREFIX: `${gatewayRedis.prefix}gw:`,
          JWT_ISSUER,
          JWT_AUDIENCE,
          AMQP_URL: vhost.url,
          SERVICE_AUTH_URL: auth.url,
          SERVICE_ORDER_URL: order.url,
          ...Object.fromEntries(
            ['CATALOG', 'PARTY', 'PAYMENT', 'QUEUE', 'NOTIFICATION'].map((s) => [
              `SERVICE_${s}_URL`,
              'http://127.0.0.1:9',
            ]),
          ),
          ...env,
        },
        nodeArgs,
      )
      return gateway
    },
    /** Opens a deal as the catalog would announce it, and waits until the order service has its stock. */
    async openDeal(units: number): Promise<DealSnapshot> {
      const deal = dealSnapshot({ quantity: units, productName: 'Flash-sale bench item' })
      const channel = await (await amqp.ready()).createConfirmChannel()
      const id = randomUUID()
      const envelope = {
        id,
        name: dealOpenedV1.name,
        occurredAt: new Date().toISOString(),
        producer: 'catalog',
        payload: deal,
      }
      channel.publish(DEFAULT_EXCHANGE, dealOpenedV1.name, Buffer.from(JSON.stringify(envelope)), {
        messageId: id,
        type: dealOpenedV1.name,
        persistent: true,
        contentType: 'application/json',
      })
      await channel.waitForConfirms()
      await channel.close()
      const deadline = Date.now() + 30_000
      for (;;) {
        const res = await fetch(`${order.url}/deals/${deal.dealId}/stock`, {
          headers: signIdentityHeaders(signingSecret),
        })
        if (res.ok && ((await res.json()) as { remaining: number }).remaining === units) return deal
        if (Date.now() > deadline) throw new Error(`the order service did not take deal ${deal.dealId}`)
        await new Promise((resolve) => setTimeout(resolve, 100))
      }
    },
    /** The same deal in the PostgreSQL-only table. */
    async openPgOnlyDeal(dealId: string, units: number) {
      const db = new pg.Client({ connectionString: pgOnlyDb.url })
      await db.connect()
      await db
        .query('INSERT INTO pg_only_deals (id, remaining) VALUES ($1, $2)', [dealId, units])
        .finally(() => db.end())
    },
    async close() {
      await amqp.close()
      for (const service of running.reverse()) await service.stop()
      await Promise.all([
        authDb.drop(),
        orderDb.drop(),
        pgOnlyDb.drop(),
        vhost.drop(),
        ...redis.map((r) => r.cleanup()),
      ])
    },
  }
  return stack
}

export type FlashSaleStack = Awaited<ReturnType<typeof startFlashSaleStack>>

/** Rows counted in a database: one query, one connection. */
export async function queryOne<R extends pg.QueryResultRow>(url: string, text: string, values: unknown[]) {
  const db = new pg.Client({ connectionString: url })
  await db.connect()
  try {
    return (await db.query<R>(text, values)).rows[0]!
  } finally {
    await db.end()
  }
}
