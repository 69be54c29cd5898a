// Runs the payment provider simulator from the environment until SIGINT or SIGTERM.
import { configFromEnv, InvalidConfig, startProviderSimulator } from './index.ts'

function whole(
  name: string,
  fallback: number | undefined,
  max = Number.MAX_SAFE_INTEGER,
): number | undefined {
  const raw = process.env[name]
  if (raw === undefined || raw === '') return fallback
  const value = Number(raw)
  if (!Number.isInteger(value) || value < 0 || value > max) {
    console.error(`${name} must be a whole number (0-${max}), got "${raw}"`)
    process.exit(1)
  }
  return value
}

try {
  const simulator = await startProviderSimulator({
    ...configFromEnv(process.env),
    host: process.env.PAYMENT_PROVIDER_HOST || '127.0.0.1',
    port: whole('PAYMENT_PROVIDER_PORT', 8090, 65535),
    seed: whole('PAYMENT_PROVIDER_SEED', undefined),
    ...(process.env.PAYMENT_PROVIDER_SECRET_KEY
      ? { secretKey: process.env.PAYMENT_PROVIDER_SECRET_KEY }
      : {}),
  })
  // Tests that run the simulator as a process read the URL from this line.
  console.log(`payment provider simulator listening on ${simulator.url}`)
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      void simulator.close().then(() => process.exit(0))
    })
  }
} catch (error) {
  if (!(error instanceof InvalidConfig)) throw error
  console.error(error.message)
  process.exit(1)
}
