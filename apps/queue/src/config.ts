// The queue service's configuration, parsed once at start; development defaults never reach production.
import { z } from 'zod'
import { baseConfigShape, devDefault, inboxRetentionConfigShape, loadConfig } from '@deals/service-kit'

const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback)

export const queueConfigShape = {
  ...baseConfigShape,
  ...inboxRetentionConfigShape,
  PORT: z.coerce.number().int().min(0).max(65535).default(3006),
  DATABASE_URL: devDefault(z.string().url(), 'postgresql://postgres@127.0.0.1:5432/deals_queue'),
  REDIS_URL: devDefault(z.string().url(), 'redis://127.0.0.1:6379'),
  REDIS_KEY_PREFIX: z.string().default('queue:'),
  /** The broker deal (catalog) and stock (order) events come from. */
  AMQP_URL: devDefault(z.string().url(), 'amqp://guest:guest@127.0.0.1:5672'),
  TRUST_PROXY: z.string().default('loopback'),
  /** HS256 secret shared with the order service only, which verifies the admission tokens. */
  ADMISSION_TOKEN_SECRET: devDefault(z.string().min(32), 'dev-only-admission-token-secret-change-me!!'),
  /** How long an admitted buyer may take to place the order; the slot frees after that. */
  ADMISSION_TOKEN_TTL_SECONDS: positiveInt(120),
  /** Buyers let in per second per deal, unless an operator set a rate for the deal. */
  ADMISSION_RATE_PER_SECOND: positiveInt(50),
  /** Admitted buyers whose admission has not expired yet, per deal: the concurrent shoppers. */
  MAX_ACTIVE_ADMISSIONS: positiveInt(1000),
  /** How long before a deal's start buyers may enter; arrivals before the start are shuffled at it. */
  PREQUEUE_SECONDS: z.coerce.number().int().min(0).default(600),
  /** Period of the admission loop; the rate is spread over the ticks of a second. */
  ADMISSION_TICK_MS: positiveInt(200),
  /** How often an open stream re-reads its buyer's place; `position` is sent when it changed. */
  STREAM_REFRESH_MS: positiveInt(1000),
  /** Comment lines keep idle streams open through proxies. */
  STREAM_HEARTBEAT_MS: positiveInt(15_000),
  /** Entries per client IP per minute (shared by every replica through Redis). */
  ENTRY_MAX_PER_IP_PER_MINUTE: positiveInt(60),
}

export type QueueConfig = z.infer<z.ZodObject<typeof queueConfigShape>>

export const loadQueueConfig = (env: Record<string, string | undefined> = process.env): QueueConfig =>
  loadConfig(queueConfigShape, env)
