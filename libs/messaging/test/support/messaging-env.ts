// Everything a messaging test needs, isolated per run: its own database (the fixture's
// migration applied), its own vhost, a generated Prisma client, a pg pool and AMQP connections.
import { fileURLToPath } from 'node:url'
import pg from 'pg'
import { Registry } from 'prom-client'
import { PrismaPg } from '@prisma/adapter-pg'
import {
  createTestDatabase,
  createTestVhost,
  uniqueName,
  type TestDatabase,
  type TestVhost,
} from '@deals/testing'
import { randomUUID } from 'node:crypto'
import type { ConfirmChannel } from 'amqplib'
import { z } from 'zod'
import {
  consume,
  DEFAULT_EXCHANGE,
  openAmqpConnection,
  type AmqpConnection,
  type Consumer,
} from '../../src/index.ts'
import { PrismaClient } from '../prisma-fixture/src/generated/prisma/client.ts'

type EffectWriter = Pick<PrismaClient, 'effect'>

export interface TestPublisher {
  /** Resolves with the message id once the broker confirmed the message. */
  publish(name: string, body: unknown, messageId?: string): Promise<string>
}

const migrationsDir = fileURLToPath(new URL('../prisma-fixture/prisma/migrations', import.meta.url))

export interface MessagingEnv {
  db: TestDatabase
  vhost: TestVhost
  prisma: PrismaClient
  registry: Registry
  /** A pg pool on the test database, closed by `cleanup`. */
  pool(): pg.Pool
  /** A named AMQP connection to the test vhost, closed by `cleanup`. */
  connect(name?: string): Promise<AmqpConnection>
  /**
   * Publishes to the event exchange on `connection` with confirms, the way the relay does: a
   * JSON body (a string is sent as is), the given message id (a fresh one by default).
   */
  publisher(connection: AmqpConnection): Promise<TestPublisher>
  /** A handler that writes one effect row per message, the way a real consumer changes state. */
  recordEffect(consumer: string): (message: { id: string }, tx: EffectWriter) => Promise<void>
  /** Starts a consumer of `events` whose only work is `recordEffect`. */
  consumeIntoEffects(
    connection: AmqpConnection,
    consumer: string,
    events: string[],
    options?: { prefetch?: number },
  ): Promise<Consumer>
  /** Effect rows written by `consumer`'s test handler, counted per message id. */
  effectsOf(consumer: string): Promise<Map<string, number>>
  /** The consumer's messages by outcome (handled, duplicate, retried, parked, invalid), from `registry`. */
  outcomes(consumer: string): Promise<Record<string, number>>
  cleanup(): Promise<void>
}

export async function createMessagingEnv(prefix: string): Promise<MessagingEnv> {
  const db = await createTestDatabase({ prefix, migrationsDir })
  const vhost = await createTestVhost(prefix)
  const prisma = new PrismaClient({ adapter: new PrismaPg({ connectionString: db.url }) })
  const pools: pg.Pool[] = []
  const connections: AmqpConnection[] = []
  const channels: ConfirmChannel[] = []
  const registry = new Registry()
  const recordEffect = (consumer: string) => async (message: { id: string }, tx: EffectWriter) => {
    await tx.effect.create({ data: { messageId: message.id, consumer } })
  }
  return {
    db,
    vhost,
    prisma,
    registry,
    pool() {
      const pool = new pg.Pool({ connectionString: db.url, max: 4 })
      pools.push(pool)
      return pool
    },
    async connect(name = uniqueName(prefix)) {
      const connection = await openAmqpConnection({
        url: vhost.url,
        name,
        initialDelayMs: 50,
        maxDelayMs: 500,
      })
      connections.push(connection)
      return connection
    },
    async publisher(connection) {
      const channel = await (await connection.ready()).createConfirmChannel()
      channels.push(channel)
      await channel.assertExchange(DEFAULT_EXCHANGE, 'topic', { durable: true })
      return {
        async publish(name, body, messageId = randomUUID()) {
          const content = Buffer.from(typeof body === 'string' ? body : JSON.stringify(body))
          channel.publish(DEFAULT_EXCHANGE, name, content, {
            messageId,
            type: name,
            persistent: true,
            contentType: 'application/json',
          })
          await channel.waitForConfirms()
          return messageId
        },
      }
    },
    recordEffect,
    consumeIntoEffects(connection, consumer, events, options = {}) {
      return consume({
        connection,
        db: prisma,
        consumer,
        events,
        schema: z.object({ payload: z.unknown() }),
        registry,
        handler: recordEffect(consumer),
        ...options,
      })
    },
    async effectsOf(consumer) {
      const rows = await prisma.effect.groupBy({
        by: ['messageId'],
        where: { consumer },
        _count: { _all: true },
      })
      return new Map(rows.map((r) => [r.messageId, r._count._all]))
    },
    async outcomes(consumer) {
      const metric = registry.getSingleMetric('messaging_consumer_messages_total')
      const values = metric ? (await metric.get()).values : []
      return Object.fromEntries(
        values.filter((v) => v.labels.consumer === consumer).map((v) => [String(v.labels.outcome), v.value]),
      )
    },
    async cleanup() {
      await Promise.allSettled(channels.map((c) => c.close()))
      await Promise.allSettled(connections.map((c) => c.close()))
      await Promise.allSettled(pools.map((p) => p.end()))
      await prisma.$disconnect()
      await vhost.drop()
      await db.drop()
    },
  }
}
