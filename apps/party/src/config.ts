// The party service's configuration, parsed once at start; development defaults never reach production.
import { z } from 'zod'
import { baseConfigShape, devDefault, inboxRetentionConfigShape, loadConfig } from '@deals/service-kit'

const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback)

export const partyConfigShape = {
  ...baseConfigShape,
  ...inboxRetentionConfigShape,
  PORT: z.coerce.number().int().min(0).max(65535).default(3003),
  DATABASE_URL: devDefault(z.string().url(), 'postgresql://postgres@127.0.0.1:5432/deals_party'),
  REDIS_URL: devDefault(z.string().url(), 'redis://127.0.0.1:6379'),
  /** Every key and every chat pub/sub channel of the service goes under it. */
  REDIS_KEY_PREFIX: z.string().default('party:'),
  /** The broker party events go to and market events come from. */
  AMQP_URL: devDefault(z.string().url(), 'amqp://guest:guest@127.0.0.1:5672'),
  TRUST_PROXY: z.string().default('loopback'),
  /** A user with this many no-shows can no longer join parties. */
  MAX_PENALTIES: z.coerce.number().int().min(1).default(3),
  /** How long a user's penalty count stays cached in Redis. */
  PENALTY_CACHE_TTL_SECONDS: positiveInt(24 * 3600),
  /** Chat messages one user may send per second, over every party and replica. */
  CHAT_MESSAGES_PER_SECOND: positiveInt(5),
  /** Messages sent to a member when the chat opens. */
  CHAT_HISTORY_SIZE: positiveInt(50),
  /** Pings keep idle chats open through proxies and find dead peers. */
  CHAT_PING_INTERVAL_MS: positiveInt(30_000),
  /** A share payment command unanswered this long is sent again by the sweep. */
  SHARE_RESEND_AFTER_SECONDS: positiveInt(300),
  /** When the sweep of unanswered share payment commands runs. */
  SHARE_SWEEP_CRON: z.string().default('* * * * *'),
}

export type PartyConfig = z.infer<z.ZodObject<typeof partyConfigShape>>

export const loadPartyConfig = (env: Record<string, string | undefined> = process.env): PartyConfig =>
  loadConfig(partyConfigShape, env)
