// Builds the queue app the way main.ts does, against a database, Redis prefix and RabbitMQ vhost
// of its own, with short loop periods. `replica()` starts another instance on the same database,
// Redis and broker (as a second process would); `restart()` replaces the main one; `close()`
// removes everything it created. Deal and stock events are published onto the vhost's exchange.
import { randomUUID } from 'node:crypto'
import { fileURLToPath } from 'node:url'
import type { FastifyInstance } from 'fastify'
import { Redis } from 'ioredis'
import { createServer } from '@deals/service-kit'
import { gatewayHeaders, TEST_GATEWAY_SECRET } from '@deals/service-kit/testing'
import { createRedisPrefix, createTestDatabase, createTestVhost } from '@deals/testing'
import { assertEventExchange, DEFAULT_EXCHANGE, openAmqpConnection } from '@deals/messaging'
import { waitUntil } from '@deals/messaging/testing'
import {
  dealScheduledV1,
  stockRestockedV1,
  stockSoldOutV1,
  type DealSnapshot,
  type Identity,
} from '@deals/contracts'
import { queueApp, queueServerOptions } from '../../src/app.ts'
import { loadQueueConfig } from '../../src/config.ts'
import { dealKeys } from '../../src/domain/waiting-room/queue-keys.ts'

export const MIGRATIONS_DIR = fileURLToPath(new URL('../../prisma/migrations', import.meta.url))

export async function startTestQueueApp(env: Record<string, string> = {}) {
  const database = await createTestDatabase({ prefix: 'queue', migrationsDir: MIGRATIONS_DIR })
  const redisPrefix = createRedisPrefix('queue')
  const vhost = await createTestVhost('queue')
  const keyPrefix = `${redisPrefix.prefix}queue:`
  const config = loadQueueConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    GATEWAY_SIGNING_SECRET: TEST_GATEWAY_SECRET,
    DATABASE_URL: database.url,
    REDIS_URL: redisPrefix.url,
    REDIS_KEY_PREFIX: keyPrefix,
    AMQP_URL: vhost.url,
    ADMISSION_TICK_MS: '50',
    STREAM_REFRESH_MS: '100',
    ...env,
  })
  const redis = new Redis(redisPrefix.url, { keyPrefix })
  const amqp = await openAmqpConnection({ url: vhost.url, name: 'queue-test-publisher' })
  const channel = await (await amqp.ready()).createConfirmChannel()
  await assertEventExchange(channel, DEFAULT_EXCHANGE)

  async function build(): Promise<FastifyInstance> {
    const app = createServer(queueServerOptions(config))
    await app.register(queueApp, { config })
    await app.ready()
    return app
  }
  const replicas: FastifyInstance[] = []

  const t = {
    app: await build(),
    config,
    database,
    /** A Redis client under the service's prefix, to look at the waiting rooms. */
    redis,
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
    async publish(name: string, payload: unknown) {
      const id = randomUUID()
      const envelope = { id, name, occurredAt: new Date().toISOString(), producer: 'test', payload }
      channel.publish(DEFAULT_EXCHANGE, name, Buffer.from(JSON.stringify(envelope)), {
        messageId: id,
        type: name,
        persistent: true,
        contentType: 'application/json',
      })
      await channel.waitForConfirms()
    },
    /** Publishes a deal snapshot (scheduled, queue required, open now unless told) and waits until it is mirrored. */
    async deal(overrides: Partial<DealSnapshot> = {}, name: string = dealScheduledV1.name) {
      const now = Date.now()
      const deal: DealSnapshot = {
        dealId: randomUUID(),
        version: 1,
        status: 'SCHEDULED',
        sellerId: randomUUID(),
        storeId: randomUUID(),
        productId: randomUUID(),
        productName: '제주 감귤 5kg',
        categoryId: null,
        dealPrice: 9_900,
        regularPrice: 19_900,
        quantity: 100,
        perUserLimit: 1,
        startsAt: new Date(now - 1_000).toISOString(),
        endsAt: new Date(now + 3_600_000).toISOString(),
        queueRequired: true,
        ...overrides,
      }
      await t.publish(name, deal)
      await waitUntil(
        async () => Number(await redis.hget(dealKeys(deal.dealId).state, 'version')) === deal.version,
        {
          message: `deal ${deal.dealId} v${deal.version} mirrored`,
        },
      )
      return deal
    },
    /** Publishes a sold-out (or restock) of a deal and waits until the waiting room has it. */
    async stock(dealId: string, soldOut: boolean) {
      const at = new Date().toISOString()
      if (soldOut) await t.publish(stockSoldOutV1.name, { dealId, at })
      else await t.publish(stockRestockedV1.name, { dealId, remaining: 5, at })
      await waitUntil(
        async () => (await redis.hget(dealKeys(dealId).state, 'soldOut')) === (soldOut ? '1' : '0'),
        {
          message: `stock of ${dealId} applied`,
        },
      )
    },
    /** Waits until the deal's waiting room has been opened (early arrivals shuffled). */
    async opened(dealId: string, timeoutMs = 5_000) {
      await waitUntil(async () => (await redis.hget(dealKeys(dealId).state, 'shuffled')) === '1', {
        timeoutMs,
        message: `waiting room of ${dealId} opened`,
      })
    },
    async close() {
      await Promise.all([t.app.close(), ...replicas.map((r) => r.close())])
      await channel.close().catch(() => {})
      await amqp.close()
      redis.disconnect()
      await Promise.all([redisPrefix.cleanup(), database.drop(), vhost.drop()])
    },
  }
  return t
}

export type TestQueueApp = Awaited<ReturnType<typeof startTestQueueApp>>

type Method = 'GET' | 'POST' | 'DELETE' | 'PUT'

/** Calls an app (the main one unless given) as the gateway would, optionally as a signed-in identity. */
export function client(t: TestQueueApp) {
  return (
    method: Method,
    url: string,
    options: { body?: unknown; as?: Identity; ip?: string; app?: FastifyInstance } = {},
  ) =>
    (options.app ?? t.app).inject({
      method,
      url,
      headers: gatewayHeaders(options.as),
      ...(options.ip ? { remoteAddress: options.ip } : {}),
      ...(options.body === undefined ? {} : { payload: options.body as object }),
    })
}
