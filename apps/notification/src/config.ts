// The notification service's configuration, parsed once at start; development defaults never reach production.
import { z } from 'zod'
import { baseConfigShape, devDefault, inboxRetentionConfigShape, loadConfig } from '@deals/service-kit'

const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback)

/** `86400,3600`: how long before a deal's start each of its reminders goes out. */
const leadSeconds = z
  .string()
  .regex(/^\s*\d+(\s*,\s*\d+)*\s*$/, 'a comma-separated list of whole seconds, e.g. 86400,3600')
  .transform((text) => [...new Set(text.split(',').map((s) => Number(s.trim())))].filter((n) => n > 0))
  .refine((leads) => leads.length > 0, 'at least one lead above 0 seconds')

export const notificationConfigShape = {
  ...baseConfigShape,
  ...inboxRetentionConfigShape,
  PORT: z.coerce.number().int().min(0).max(65535).default(3007),
  DATABASE_URL: devDefault(z.string().url(), 'postgresql://postgres@127.0.0.1:5432/deals_notification'),
  REDIS_URL: devDefault(z.string().url(), 'redis://127.0.0.1:6379'),
  /** Also prefixes the pub/sub channels live notifications travel on between replicas. */
  REDIS_KEY_PREFIX: z.string().default('notification:'),
  /** The broker catalog, order, party and auth events come from. */
  AMQP_URL: devDefault(z.string().url(), 'amqp://guest:guest@127.0.0.1:5672'),
  TRUST_PROXY: z.string().default('loopback'),
  SMTP_URL: devDefault(z.string().url(), 'smtp://127.0.0.1:1025'),
  MAIL_FROM: z.string().min(3).default('Deals <no-reply@deals.local>'),
  /** Reminders of a liked deal's opening, as seconds before its start (24 h and 1 h by default). */
  REMINDER_LEADS_SECONDS: leadSeconds.default([86400, 3600]),
  /** Comment lines keep idle streams open through proxies; they also refresh the user's presence. */
  STREAM_HEARTBEAT_MS: positiveInt(15_000),
  /** Retries of an e-mail that could not be sent (SMTP down, address not known yet), with backoff. */
  EMAIL_RETRY_LIMIT: z.coerce.number().int().min(0).max(20).default(8),
  /** Wait before the first retry of an e-mail; doubled before each next one. */
  EMAIL_RETRY_DELAY_SECONDS: positiveInt(5),
}

export type NotificationConfig = z.infer<z.ZodObject<typeof notificationConfigShape>>

export const loadNotificationConfig = (
  env: Record<string, string | undefined> = process.env,
): NotificationConfig => loadConfig(notificationConfigShape, env)
