// Starts a service as its container would (node with tsx, its main.ts, configuration from the
// environment) against a database, vhost and key prefix of its own, to read its /metrics.
import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  createRedisPrefix,
  createTestDatabase,
  createTestVhost,
  type TestDatabase,
  type TestRedis,
  type TestVhost,
} from '@deals/testing'
import { repoRoot, type PlatformService } from './platform.ts'

export interface RunningService {
  name: string
  url: string
  /** What the process has written to stdout and stderr so far (its log lines). */
  output(): string
  /** Its database, when it has one (the caller's, or one made for it). */
  databaseUrl: string | undefined
  /** Ends the process with SIGKILL, as a crash would; its database, vhost and keys stay. */
  kill(): Promise<void>
  /** Stops it gracefully and drops what was made for it (never what the caller passed in). */
  stop(): Promise<void>
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number }
      server.close(() => resolve(port))
    })
  })
}

async function waitUntilReady(url: string, exited: Promise<string>): Promise<void> {
  const deadline = Date.now() + 120_000
  let failure: string | undefined
  void exited.then((output) => (failure = output))
  while (Date.now() < deadline) {
    if (failure !== undefined) throw new Error(`exited before it was ready:\n${failure}`)
    const ok = await fetch(`${url}/readyz`).then(
      (r) => r.ok,
      () => false,
    )
    if (ok) return
    await new Promise((resolve) => setTimeout(resolve, 250))
  }
  throw new Error(`not ready at ${url}/readyz after 120 s`)
}

/**
 * `urls` are every service's URL for static discovery, as `npm start` passes them. A start that
 * runs into Fastify's plugin timeout (on a loaded machine creating a pg-boss schema or declaring
 * quorum queues can take long) is tried up to three times.
 */
export interface StartOptions {
  /** A vhost shared with other services (they talk over it); by default the service gets its own. */
  vhost?: TestVhost
  /** Extra environment, e.g. an OTLP endpoint. */
  env?: Record<string, string>
  /** Modules loaded with `--import` before main.ts, e.g. the telemetry register hook. */
  imports?: string[]
  /** A database to use (migrated already), e.g. to start the service again after a crash. */
  database?: TestDatabase
  /** A Redis key prefix to use, e.g. to start the service again after a crash. */
  redis?: TestRedis
}

export async function startService(
  service: PlatformService,
  port: number,
  urls: Record<string, string>,
  options: StartOptions = {},
): Promise<RunningService> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(service, port, urls, options)
    } catch (err) {
      if (attempt === 3 || !/AVV_ERR_PLUGIN_EXEC_TIMEOUT/.test((err as Error).message)) throw err
    }
  }
}

async function startOnce(
  service: PlatformService,
  port: number,
  urls: Record<string, string>,
  options: StartOptions,
): Promise<RunningService> {
  const migrationsDir = join(repoRoot, 'apps', service.name, 'prisma', 'migrations')
  const database =
    options.database ??
    (existsSync(migrationsDir)
      ? await createTestDatabase({ prefix: `ops_${service.name}`, migrationsDir })
      : undefined)
  const vhost = options.vhost ?? (await createTestVhost(`ops_${service.name}`))
  const redis = options.redis ?? createRedisPrefix(`ops_${service.name}`)
  const dataDir = await mkdtemp(join(tmpdir(), `ops-${service.name}-`))
  const url = `http://127.0.0.1:${port}`
  const discovery = Object.fromEntries(
    Object.entries(urls).map(([name, u]) => [`SERVICE_${name.toUpperCase()}_URL`, u]),
  )
  const imports = ['tsx', ...(options.imports ?? [])].flatMap((module) => ['--import', module])
  const child = spawn(process.execPath, [...imports, join('apps', service.name, 'src', 'main.ts')], {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      PATH: process.env.PATH,
      NODE_ENV: 'test',
      LOG_LEVEL: options.env?.LOG_LEVEL ?? 'warn',
      HOST: '127.0.0.1',
      PORT: String(port),
      REDIS_URL: redis.url,
      REDIS_KEY_PREFIX: `${redis.prefix}${service.name}:`,
      AMQP_URL: vhost.url,
      OBJECT_STORE_DIR: dataDir,
      // Auth hashes its bootstrap admin's password at start; the lowest cost keeps that quick.
      PASSWORD_HASH_MEMORY_KIB: '1024',
      PASSWORD_HASH_ITERATIONS: '1',
      ...(database ? { DATABASE_URL: database.url } : {}),
      ...discovery,
      ...options.env,
    },
  })
  let output = ''
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()))
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()))
  const exited = new Promise<string>((resolve) => child.once('exit', () => resolve(output.slice(-4000))))

  // Nothing of the child may keep this process alive, whatever state it was left in.
  const release = () => {
    child.stdout.destroy()
    child.stderr.destroy()
    child.unref()
  }
  const kill = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL')
      await exited
    }
    release()
  }
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM')
      // The grace timer must not outlive a process that exits in time (nor keep the test alive).
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 15_000).unref())])
      if (child.exitCode === null) child.kill('SIGKILL')
    }
    release()
    await Promise.allSettled([
      options.database ? undefined : database?.drop(),
      options.vhost ? undefined : vhost.drop(),
      options.redis ? undefined : redis.cleanup(),
      rm(dataDir, { recursive: true, force: true }),
    ])
  }
  try {
    await waitUntilReady(url, exited)
  } catch (err) {
    await stop()
    throw new Error(`${service.name} did not start: ${(err as Error).message}`)
  }
  return { name: service.name, url, output: () => output, databaseUrl: database?.url, kill, stop }
}

/** Metric family names on a Prometheus text page (from its `# TYPE` lines). */
export async function scrapeFamilies(url: string): Promise<Set<string>> {
  const text = await (await fetch(`${url}/metrics`)).text()
  return new Set([...text.matchAll(/^# TYPE (\S+) /gm)].map((m) => m[1]!))
}
