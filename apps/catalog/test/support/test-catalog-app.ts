// Builds the catalog app the way main.ts does, against a database, Redis prefix, RabbitMQ vhost
// and image folder of its own. `close()` removes everything it created; `restart()` closes the
// app and builds a new one on the same database, as a process restart would.
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { FastifyInstance, RouteOptions } from 'fastify'
import pg from 'pg'
import { createServer } from '@deals/service-kit'
import { gatewayHeaders, TEST_GATEWAY_SECRET } from '@deals/service-kit/testing'
import { createRedisPrefix, createTestDatabase, createTestVhost } from '@deals/testing'
import type { Identity } from '@deals/contracts'
import { catalogApp, catalogServerOptions } from '../../src/app.ts'
import { loadCatalogConfig, type CatalogConfig } from '../../src/config.ts'

export const MIGRATIONS_DIR = fileURLToPath(new URL('../../prisma/migrations', import.meta.url))

export async function startTestCatalogApp(env: Record<string, string> = {}) {
  const database = await createTestDatabase({ prefix: 'catalog', migrationsDir: MIGRATIONS_DIR })
  const redis = createRedisPrefix('catalog')
  const vhost = await createTestVhost('catalog')
  const imageDir = await mkdtemp(join(tmpdir(), 'catalog-images-'))
  const config = loadCatalogConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    GATEWAY_SIGNING_SECRET: TEST_GATEWAY_SECRET,
    DATABASE_URL: database.url,
    REDIS_URL: redis.url,
    REDIS_KEY_PREFIX: `${redis.prefix}catalog:`,
    AMQP_URL: vhost.url,
    OBJECT_STORE_DIR: imageDir,
    ...env,
  })

  const routes: RouteOptions[] = []
  async function build(): Promise<FastifyInstance> {
    const app = createServer(catalogServerOptions(config))
    app.addHook('onRoute', (route) => void routes.push(route as RouteOptions))
    await app.register(catalogApp, { config })
    await app.ready()
    return app
  }

  const t = {
    app: await build(),
    /** Every route the app registered, with its schemas. */
    routes,
    config: config as CatalogConfig,
    database,
    vhost,
    imageDir,
    /** Closes the app and starts a new one on the same database, broker and folder. */
    async restart() {
      await t.app.close()
      routes.length = 0
      t.app = await build()
    },
    async close() {
      await t.app.close()
      await Promise.all([
        redis.cleanup(),
        database.drop(),
        vhost.drop(),
        rm(imageDir, { recursive: true, force: true }),
      ])
    },
  }
  return t
}

export type TestCatalogApp = Awaited<ReturnType<typeof startTestCatalogApp>>

/** Runs SQL straight against the service's database, to look at raw rows or age them. */
export async function sql<R extends pg.QueryResultRow = Record<string, unknown>>(
  t: TestCatalogApp,
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
export function client(t: TestCatalogApp) {
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
