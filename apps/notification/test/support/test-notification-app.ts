// Builds the notification app the way main.ts does, against a database, Redis prefix, RabbitMQ
// vhost and SMTP server of its own. `publish()` puts an event on the vhost's exchange as a
// producer's relay would (message id = event id, so the same message can be sent twice);
// `replica()` starts another instance on the same database, Redis and broker, as a second process
// would; `restart()` replaces the main one; `close()` removes everything it created.
import { randomUUID } from 'node:crypto'
import { fileURLToPath } from 'node:url'
import type { FastifyInstance } from 'fastify'
import pg from 'pg'
import { createServer } from '@deals/service-kit'
import { gatewayHeaders, TEST_GATEWAY_SECRET } from '@deals/service-kit/testing'
import { createRedisPrefix, createTestDatabase, createTestVhost } from '@deals/testing'
import { assertEventExchange, DEFAULT_EXCHANGE, openAmqpConnection } from '@deals/messaging'
import type { Identity } from '@deals/contracts'
import { notificationApp, notificationServerOptions } from '../../src/app.ts'
import { loadNotificationConfig, type NotificationConfig } from '../../src/config.ts'
import type { NotificationView } from '../../src/domain/feed/notification-view.ts'
import { startSmtpInbox } from './smtp-inbox.ts'

export const MIGRATIONS_DIR = fileURLToPath(new URL('../../prisma/migrations', import.meta.url))

export interface PublishedEvent {
  id: string
  name: string
  payload: unknown
}

export async function startTestNotificationApp(env: Record<string, string> = {}) {
  const database = await createTestDatabase({ prefix: 'notification', migrationsDir: MIGRATIONS_DIR })
  const redis = createRedisPrefix('notification')
  const vhost = await createTestVhost('notification')
  const smtp = await startSmtpInbox()
  const config = loadNotificationConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    GATEWAY_SIGNING_SECRET: TEST_GATEWAY_SECRET,
    DATABASE_URL: database.url,
    REDIS_URL: redis.url,
    REDIS_KEY_PREFIX: `${redis.prefix}notification:`,
    AMQP_URL: vhost.url,
    SMTP_URL: smtp.url,
    EMAIL_RETRY_DELAY_SECONDS: '1',
    ...env,
  })
  const amqp = await openAmqpConnection({ url: vhost.url, name: 'notification-test-publisher' })
  const channel = await (await amqp.ready()).createConfirmChannel()
  await assertEventExchange(channel, DEFAULT_EXCHANGE)

  async function build(): Promise<FastifyInstance> {
    const app = createServer(notificationServerOptions(config))
    await app.register(notificationApp, { config })
    await app.ready()
    return app
  }

  const replicas: FastifyInstance[] = []
  const t = {
    app: await build(),
    config: config as NotificationConfig,
    database,
    vhost,
    smtp,
    /** Another instance on the same database, Redis and broker; closed with the rest. */
    async replica(): Promise<FastifyInstance> {
      const app = await build()
      replicas.push(app)
      return app
    },
    /** Closes the app and starts a new one on the same database, broker and Redis. */
    async restart() {
      await t.app.close()
      t.app = await build()
    },
    async publish(event: {
      name: string
      payload: unknown
      id?: string
      occurredAt?: Date
    }): Promise<PublishedEvent> {
      const id = event.id ?? randomUUID()
      const envelope = {
        id,
        name: event.name,
        occurredAt: (event.occurredAt ?? new Date()).toISOString(),
        producer: 'test',
        payload: event.payload,
      }
      channel.publish(DEFAULT_EXCHANGE, event.name, Buffer.from(JSON.stringify(envelope)), {
        messageId: id,
        type: event.name,
        persistent: true,
        contentType: 'application/json',
      })
      await channel.waitForConfirms()
      return { id, name: event.name, payload: event.payload }
    },
    async close() {
      await Promise.all([...replicas, t.app].map((app) => app.close()))
      await channel.close().catch(() => {})
      await amqp.close()
      await Promise.all([smtp.close(), redis.cleanup(), database.drop(), vhost.drop()])
    },
  }
  return t
}

export type TestNotificationApp = Awaited<ReturnType<typeof startTestNotificationApp>>

/** Runs SQL straight against the service's database, to look at raw rows. */
export async function sql<R extends pg.QueryResultRow = Record<string, unknown>>(
  t: TestNotificationApp,
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

/** Calls the app (or a replica) as the gateway would, optionally as a signed-in identity. */
export function client(t: TestNotificationApp, app?: FastifyInstance) {
  return (
    method: Method,
    url: string,
    options: { body?: unknown; as?: Identity; headers?: Record<string, string> } = {},
  ) =>
    (app ?? t.app).inject({
      method,
      url,
      headers: { ...gatewayHeaders(options.as), ...options.headers },
      ...(options.body === undefined ? {} : { payload: options.body as object }),
    })
}

/** The user's notifications, newest change first, straight from the API. */
export async function feedOf(t: TestNotificationApp, as: Identity, query = '') {
  const res = await client(t)('GET', `/?limit=100${query}`, { as })
  if (res.statusCode !== 200) throw new Error(`GET / answered ${res.statusCode}: ${res.body}`)
  return (res.json() as { items: NotificationView[] }).items
}
