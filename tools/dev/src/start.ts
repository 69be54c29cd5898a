// `npm start`: checks the local servers, migrates each service's database, starts the mail
// sink, the payment provider simulator and every service, waits until they are healthy, seeds
// demo data and prints where everything is. Ctrl-C (or SIGTERM) stops it all cleanly.
//
// Knobs for running a second copy beside the first (the orchestrator's own test does):
// DEV_PORT_OFFSET shifts every port, DEV_DB_PREFIX renames the databases, DEV_REDIS_PREFIX
// prefixes every Redis key, DEV_QUIET hides the service logs.
import { join } from 'node:path'
import { startMailSink } from '@deals/mail-sink'
import { startProviderSimulator } from '@deals/payment-provider-sim'
import { migrateDeploy } from '@deals/prisma-offline'
import { availableServices, SERVICE_PORTS } from './services.ts'
import { missingInfra } from './infra.ts'
import { spawnService, stopAll, waitForHealthy, type RunningProcess } from './processes.ts'
import { seedDemoData } from './seed.ts'

const root = process.cwd()
const env = process.env
const portOffset = Number(env.DEV_PORT_OFFSET ?? 0)
const dbPrefix = env.DEV_DB_PREFIX ?? 'deals'
const redisPrefix = env.DEV_REDIS_PREFIX ?? ''
const quiet = env.DEV_QUIET === '1'
const host = '127.0.0.1'
const postgresUrl = env.POSTGRES_URL ?? 'postgresql://postgres@127.0.0.1:5432'
const admin = {
  email: env.ADMIN_EMAIL ?? 'admin@deals.local',
  password: env.ADMIN_PASSWORD ?? 'admin-password-dev-only',
}

const say = (msg: string) => process.stdout.write(`\x1b[1mdev\x1b[0m         ${msg}\n`)

async function main() {
  const missing = await missingInfra()
  if (missing.length) {
    for (const m of missing)
      say(`${m.name} is not reachable on ${m.host}:${m.port}; start it with: ${m.hint}`)
    process.exit(1)
  }

  const services = availableServices(root, portOffset)
  const databaseUrl = (name: string) => `${postgresUrl}/${dbPrefix}_${name}`
  for (const s of services.filter((s) => s.hasDatabase)) {
    say(`migrating ${dbPrefix}_${s.name}`)
    await migrateDeploy({ projectDir: s.dir, databaseUrl: databaseUrl(s.name) })
  }

  const mailSink = await startMailSink({ host, smtpPort: 1025 + portOffset, httpPort: 8025 + portOffset })
  const paymentProvider = await startProviderSimulator({ host, port: 8090 + portOffset })
  const gatewayUrl = `http://${host}:${SERVICE_PORTS.gateway + portOffset}`
  const discovery = Object.fromEntries(
    Object.entries(SERVICE_PORTS).map(([name, port]) => [
      `SERVICE_${name.toUpperCase()}_URL`,
      `http://${host}:${port + portOffset}`,
    ]),
  )
  const common: Record<string, string> = {
    NODE_ENV: 'development',
    HOST: host,
    LOG_LEVEL: env.LOG_LEVEL ?? 'info',
    REDIS_URL: env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    AMQP_URL: env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672',
    SMTP_URL: `smtp://${host}:${mailSink.smtpPort}`,
    PAYMENT_PROVIDER_URL: paymentProvider.url,
    PAYMENT_PROVIDER_SECRET_KEY: paymentProvider.secretKey,
    PUBLIC_BASE_URL: gatewayUrl,
    ADMIN_EMAIL: admin.email,
    ADMIN_PASSWORD: admin.password,
    ...discovery,
  }

  const running: RunningProcess[] = []
  let stopping = false
  const shutdown = async (reason: string) => {
    if (stopping) return
    stopping = true
    say(`stopping (${reason})`)
    await stopAll(running)
    await Promise.all([mailSink.close(), paymentProvider.close()])
    say('stopped')
    process.exit(reason === 'failure' ? 1 : 0)
  }
  process.on('SIGINT', () => void shutdown('SIGINT'))
  process.on('SIGTERM', () => void shutdown('SIGTERM'))

  try {
    for (const [i, s] of services.entries()) {
      const proc = spawnService({
        name: s.name,
        root,
        entry: join(s.dir, 'src', 'main.ts'),
        logDir: join(root, '.data', 'logs'),
        quiet,
        colorIndex: i,
        env: {
          ...common,
          PORT: String(s.port),
          OTEL_SERVICE_NAME: s.name,
          REDIS_KEY_PREFIX: `${redisPrefix}${s.name}:`,
          ...(s.hasDatabase ? { DATABASE_URL: databaseUrl(s.name) } : {}),
        },
      })
      running.push(proc)
      void proc.exited.then((code) => {
        if (!stopping) {
          say(`${s.name} exited unexpectedly (code ${code})`)
          void shutdown('failure')
        }
      })
      await waitForHealthy(`http://${host}:${s.port}/readyz`, proc.exited)
      say(`${s.name} is ready on http://${host}:${s.port}`)
    }
    const logins = await seedDemoData({
      gatewayUrl,
      mailSinkUrl: `http://${host}:${mailSink.httpPort}`,
      admin,
      services: services.map((s) => s.name),
      log: say,
    })
    const rows = logins.map((l) => `    ${l.role.padEnd(7)} ${l.email.padEnd(22)} ${l.password}`)
    process.stdout.write(
      [
        '',
        `  Gateway     ${gatewayUrl}`,
        `  API docs    ${gatewayUrl}/docs`,
        `  Mail sink   http://${host}:${mailSink.httpPort}/messages?to=<email>`,
        `  PG (sim)    ${paymentProvider.url}/__admin/payments (faults: POST /__admin/config)`,
        '  Discovery   static (no CONSUL_URL set)',
        '  Demo logins (POST /api/auth/login):',
        ...rows,
        '',
        '  The platform is up. Ctrl-C stops everything.',
        '',
      ].join('\n'),
    )
  } catch (err) {
    say(`start-up failed: ${(err as Error).message}`)
    await shutdown('failure')
  }
}

await main()
