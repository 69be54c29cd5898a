// Configuration is read once at start from the environment by one zod schema; a missing or
// bad variable stops the process with a message naming it. Development defaults are marked
// and refused when NODE_ENV=production.
import { z } from 'zod'

const devDefaults = new WeakMap<z.ZodType, string>()

/** A value that is fine on a laptop and must never reach production. */
export function devDefault<T extends z.ZodType<string>>(schema: T, value: string) {
  const withDefault = schema.default(value as never)
  devDefaults.set(withDefault, value)
  return withDefault
}

export const nodeEnvSchema = z.enum(['development', 'test', 'production']).default('development')

/** Variables every service reads. */
export const baseConfigShape = {
  NODE_ENV: nodeEnvSchema,
  HOST: z.string().default('127.0.0.1'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Shared with the gateway: services verify the identity it signs with this secret. */
  GATEWAY_SIGNING_SECRET: devDefault(z.string().min(32), 'dev-only-gateway-signing-secret-change-me!'),
}

/** Variables of the services that consume events (their inbox of processed message ids). */
export const inboxRetentionConfigShape = {
  /**
   * How long a processed message id is remembered. A redelivery (a lost ack, a relay that died
   * before marking its batch, an operator's republish of a kept outbox row) must come sooner.
   */
  INBOX_RETENTION_HOURS: z.coerce
    .number()
    .int()
    .min(1)
    .default(30 * 24),
  /** Time between two retention sweeps. */
  RETENTION_SWEEP_INTERVAL_MS: z.coerce.number().int().min(1_000).default(3_600_000),
}

export class ConfigError extends Error {
  override name = 'ConfigError'
}

export function loadConfig<S extends z.ZodRawShape>(
  shape: S,
  env: Record<string, string | undefined> = process.env,
): z.infer<z.ZodObject<S>> {
  const result = z.object(shape).safeParse(env)
  if (!result.success) {
    const lines = result.error.issues.map((i) => `  ${i.path.join('.') || '(root)'}: ${i.message}`)
    throw new ConfigError(`invalid configuration:\n${lines.join('\n')}`)
  }
  if (env.NODE_ENV === 'production') {
    const refused = Object.entries(shape)
      .filter(([key, schema]) => devDefaults.has(schema as z.ZodType) && (env[key] ?? '') === '')
      .map(([key]) => key)
    const reused = Object.entries(shape)
      .filter(([key, schema]) => devDefaults.get(schema as z.ZodType) === env[key])
      .map(([key]) => key)
    const bad = [...new Set([...refused, ...reused])]
    if (bad.length)
      throw new ConfigError(
        `invalid configuration: ${bad.join(', ')} must be set in production (development defaults are refused)`,
      )
  }
  return result.data
}
