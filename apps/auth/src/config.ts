// The auth service's configuration, parsed once at start; development defaults never reach production.
import { z } from 'zod'
import { baseConfigShape, devDefault, inboxRetentionConfigShape, loadConfig } from '@deals/service-kit'

const base64Key32 = z
  .string()
  .refine((v) => Buffer.from(v, 'base64').length === 32, 'must be 32 bytes encoded as base64')

const seconds = (fallback: number) => z.coerce.number().int().positive().default(fallback)

export const authConfigShape = {
  ...baseConfigShape,
  ...inboxRetentionConfigShape,
  PORT: z.coerce.number().int().min(0).max(65535).default(3001),
  DATABASE_URL: devDefault(z.string().url(), 'postgresql://postgres@127.0.0.1:5432/deals_auth'),
  REDIS_URL: devDefault(z.string().url(), 'redis://127.0.0.1:6379'),
  /** The broker the outbox relay publishes auth events to. */
  AMQP_URL: devDefault(z.string().url(), 'amqp://guest:guest@127.0.0.1:5672'),
  REDIS_KEY_PREFIX: z.string().default('auth:'),
  /** Proxies whose X-Forwarded-For is believed (the gateway); loopback only by default. */
  TRUST_PROXY: z.string().default('loopback'),
  JWT_ISSUER: z.string().min(1).default('deals-auth'),
  JWT_AUDIENCE: z.string().min(1).default('deals-api'),
  ACCESS_TOKEN_TTL_SECONDS: seconds(15 * 60),
  REFRESH_TOKEN_TTL_SECONDS: seconds(30 * 24 * 3600),
  /** How long a replica serves signing keys from memory before re-reading the table. */
  SIGNING_KEY_CACHE_SECONDS: seconds(10),
  /** AES-256-GCM key for fields encrypted at rest (phones, addresses, private signing keys). */
  DATA_ENCRYPTION_KEY: devDefault(base64Key32, Buffer.alloc(32, 7).toString('base64')),
  /** argon2id cost; lower it only in tests. */
  PASSWORD_HASH_MEMORY_KIB: z.coerce
    .number()
    .int()
    .min(1024)
    .default(19 * 1024),
  PASSWORD_HASH_ITERATIONS: z.coerce.number().int().min(1).default(2),
  LOGIN_MAX_FAILURES: z.coerce.number().int().positive().default(5),
  LOGIN_FAILURE_WINDOW_SECONDS: seconds(15 * 60),
  LOGIN_MAX_PER_IP_PER_MINUTE: z.coerce.number().int().positive().default(30),
  SMTP_URL: devDefault(z.string().url(), 'smtp://127.0.0.1:1025'),
  MAIL_FROM: z.string().min(3).default('Deals <no-reply@deals.local>'),
  /** Where links in e-mails point: the gateway's public address. */
  PUBLIC_BASE_URL: devDefault(z.string().url(), 'http://127.0.0.1:8080'),
  EMAIL_VERIFICATION_TTL_SECONDS: seconds(24 * 3600),
  ADMIN_EMAIL: devDefault(z.email(), 'admin@deals.local'),
  ADMIN_PASSWORD: devDefault(z.string().min(10), 'dev-admin-password-123'),
}

export type AuthConfig = z.infer<z.ZodObject<typeof authConfigShape>>

export const loadAuthConfig = (env: Record<string, string | undefined> = process.env): AuthConfig =>
  loadConfig(authConfigShape, env)
