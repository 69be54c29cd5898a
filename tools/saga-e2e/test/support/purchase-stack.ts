// The order and payment services as processes, as they run in production, talking over one
// RabbitMQ vhost, each with its own database and Redis keys. Either can be killed with SIGKILL
// and started again on the same database, keys and port, to check what survives a crash.
import { join } from 'node:path'
import pg from 'pg'
import { Agent, fetch } from 'undici'
import type { Identity } from '@deals/contracts'
import { PLATFORM, repoRoot } from '@deals/ops-check/platform'
import { freePort, startService, type RunningService } from '@deals/ops-check/service-process'
import { gatewayHeaders, TEST_GATEWAY_SECRET } from '@deals/service-kit/testing'
import {
  createRedisPrefix,
  createTestDatabase,
  createTestVhost,
  type TestDatabase,
  type TestRedis,
  type TestVhost,
} from '@deals/testing'

export type StackService = 'order' | 'payment'
const SERVICES: StackService[] = ['order', 'payment']

export interface Answer {
  status: number
  body: Record<string, unknown>
}

export interface PurchaseStack {
  vhost: TestVhost
  /** Calls a service straight, as the gateway would, as `as` (or anonymously). */
  call(
    service: StackService,
    method: string,
    path: string,
    options?: { as?: Identity; body?: unknown; headers?: Record<string, string> },
  ): Promise<Answer>
  kill(service: StackService): Promise<void>
  start(service: StackService): Promise<void>
  /** Runs SQL on a service's own database. */
  sql<R extends pg.QueryResultRow = Record<string, unknown>>(
    service: StackService,
    text: string,
    values?: unknown[],
  ): Promise<R[]>
  /** Recent log output of a service, for failure messages. */
  output(service: StackService): string
  close(): Promise<void>
}

interface Resources {
  port: number
  database: TestDatabase
  redis: TestRedis
  env: Record<string, string>
  running?: RunningService
  pool: pg.Pool
}

export async function startPurchaseStack(
  env: Partial<Record<StackService, Record<string, string>>> = {},
): Promise<PurchaseStack> {
  const vhost = await createTestVhost('saga_e2e')
  const resources = new Map<StackService, Resources>()
  for (const service of SERVICES) {
    const database = await createTestDatabase({
      prefix: `saga_${service}`,
      migrationsDir: join(repoRoot, 'apps', service, 'prisma', 'migrations'),
    })
    resources.set(service, {
      port: await freePort(),
      database,
      redis: createRedisPrefix(`saga_${service}`),
      env: { GATEWAY_SIGNING_SECRET: TEST_GATEWAY_SECRET, ...env[service] },
      pool: new pg.Pool({ connectionString: database.url, max: 2 }),
    })
  }
  const urls = Object.fromEntries([...resources].map(([name, r]) => [name, `http://127.0.0.1:${r.port}`]))
  const agent = new Agent({ connections: 64, keepAliveTimeout: 10_000 })
  const of = (service: StackService) => resources.get(service)!

  const start = async (service: StackService) => {
    const r = of(service)
    r.running = await startService(
      PLATFORM.find((s) => s.name === service)!,
      r.port,
      urls,
      {
        vhost,
        database: r.database,
        redis: r.redis,
        env: r.env,
      },
    )
  }
  for (const service of SERVICES) await start(service)

  return {
    vhost,
    async call(service, method, path, options = {}) {
      const res = await fetch(`${urls[service]}${path}`, {
        method,
        headers: {
          ...gatewayHeaders(options.as),
          ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
          ...options.headers,
        },
        body: options.body === undefined ? undefined : JSON.stringify(options.body),
        dispatcher: agent,
      })
      const text = await res.text()
      return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} }
    },
    async kill(service) {
      await of(service).running?.kill()
      of(service).running = undefined
    },
    start,
    async sql(service, text, values = []) {
      return (await of(service).pool.query(text, values)).rows
    },
    output: (service) => of(service).running?.output().slice(-4000) ?? '(not running)',
    async close() {
      await Promise.allSettled(SERVICES.map((s) => of(s).running?.stop()))
      await agent.close()
      await Promise.allSettled(
        SERVICES.flatMap((s) => [of(s).pool.end(), of(s).database.drop(), of(s).redis.cleanup()]),
      )
      await vhost.drop()
    },
  }
}
