// Builds the auth app the way main.ts does, against a database, Redis prefix and SMTP capture
// of its own, with cheap password hashing. `close()` removes everything it created.
import { fileURLToPath } from 'node:url'
import type { RouteOptions } from 'fastify'
import pg from 'pg'
import { createServer } from '@deals/service-kit'
import { gatewayHeaders, TEST_GATEWAY_SECRET } from '@deals/service-kit/testing'
import { createRedisPrefix, createTestDatabase, createTestVhost } from '@deals/testing'
import type { Identity } from '@deals/contracts'
import { authApp, authServerOptions } from '../../src/app.ts'
import { loadAuthConfig } from '../../src/config.ts'
import { startMailCapture } from './mail-capture.ts'

export const MIGRATIONS_DIR = fileURLToPath(new URL('../../prisma/migrations', import.meta.url))
export const ADMIN = { email: 'admin@deals.local', password: 'test-admin-password-1' }

export async function startTestAuthApp(env: Record<string, string> = {}) {
  const database = await createTestDatabase({ prefix: 'auth', migrationsDir: MIGRATIONS_DIR })
  const redis = createRedisPrefix('auth')
  const vhost = await createTestVhost('auth')
  const mail = await startMailCapture()
  const config = loadAuthConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    GATEWAY_SIGNING_SECRET: TEST_GATEWAY_SECRET,
    DATABASE_URL: database.url,
    REDIS_URL: redis.url,
    AMQP_URL: vhost.url,
    REDIS_KEY_PREFIX: `${redis.prefix}auth:`,
    SMTP_URL: mail.url,
    PASSWORD_HASH_MEMORY_KIB: '1024',
    PASSWORD_HASH_ITERATIONS: '1',
    ADMIN_EMAIL: ADMIN.email,
    ADMIN_PASSWORD: ADMIN.password,
    ...env,
  })
  const app = createServer(authServerOptions(config))
  const routes: RouteOptions[] = []
  app.addHook('onRoute', (route) => void routes.push(route as RouteOptions))
  await app.register(authApp, { config, mailRetryBackoffMs: [50, 100] })
  await app.ready()
  return {
    app,
    /** Every route the app registered, with its schemas. */
    routes,
    config,
    database,
    vhost,
    mail,
    async close() {
      await app.close()
      await Promise.all([mail.close(), redis.cleanup(), database.drop(), vhost.drop()])
    },
  }
}

export type TestAuthApp = Awaited<ReturnType<typeof startTestAuthApp>>

/** Runs SQL straight against the service's database, to look at raw rows or age them. */
export async function sql<R extends pg.QueryResultRow = Record<string, unknown>>(
  t: TestAuthApp,
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

type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE' | 'PUT'

/** Calls the app as the gateway would, optionally as a signed-in identity. */
export function client(t: TestAuthApp) {
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
