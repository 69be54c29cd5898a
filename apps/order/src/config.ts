// The order service's configuration, parsed once at start; development defaults never reach production.
import { z } from 'zod'
import { idempotencyConfigShape } from '@deals/idempotency'
import { baseConfigShape, devDefault, inboxRetentionConfigShape, loadConfig } from '@deals/service-kit'

export const orderConfigShape = {
  ...baseConfigShape,
  ...inboxRetentionConfigShape,
  ...idempotencyConfigShape,
  PORT: z.coerce.number().int().min(0).max(65535).default(3004),
  DATABASE_URL: devDefault(z.string().url(), 'postgresql://postgres@127.0.0.1:5432/deals_order'),
  REDIS_URL: devDefault(z.string().url(), 'redis://127.0.0.1:6379'),
  REDIS_KEY_PREFIX: z.string().default('order:'),
  /** The broker order events go to, and catalog deal events come from. */
  AMQP_URL: devDefault(z.string().url(), 'amqp://guest:guest@127.0.0.1:5672'),
  TRUST_PROXY: z.string().default('loopback'),
  /** Shared with the queue service, which signs the admission tokens this service checks. */
  ADMISSION_TOKEN_SECRET: devDefault(z.string().min(32), 'dev-only-admission-token-secret-change-me!!'),
  /** The previous secret, still accepted while a rotation is under way. */
  ADMISSION_TOKEN_PREVIOUS_SECRET: z.string().min(32).optional(),
  /** How long reserved stock waits for payment; an order that cannot commit by then is not placed. */
  RESERVATION_TTL_SECONDS: z.coerce.number().int().min(5).default(600),
  /** Most orders written in one transaction when reservations arrive faster than single writes. */
  PLACEMENT_BATCH_MAX: z.coerce.number().int().min(1).max(1000).default(128),
  /** Most order-write transactions at once (each holds a pooled connection). */
  PLACEMENT_BATCHES_IN_FLIGHT: z.coerce.number().int().min(1).max(64).default(4),
  /** Cron (UTC) of the sweep that releases reservations whose order never committed. */
  RESERVATION_SWEEP_CRON: z.string().default('* * * * *'),
  /**
   * How long a stock rebuild waits before reading PostgreSQL, so that orders reserved in Redis
   * before it lost its data have committed or failed (at least the longest an order's write may
   * take: 15 s, `PLACEMENT_WRITE_BOUNDS`).
   */
  STOCK_REBUILD_SETTLE_MS: z.coerce.number().int().min(0).default(15_000),
  /** Time from payment to shipping and from shipping to delivery (the simulated delivery). */
  ORDER_PROGRESS_PERIOD_SECONDS: z.coerce
    .number()
    .min(0.5)
    .default(24 * 3600),
  /** How long a compensating saga waits for the refund's confirmation before sending the request again. */
  SAGA_RESEND_AFTER_MS: z.coerce.number().int().min(100).default(60_000),
  /** How long past its deadline a waiting saga is shown as stuck (`GET /admin/sagas?stuck=true`, `saga_stuck`). */
  SAGA_STUCK_AFTER_MS: z.coerce.number().int().min(0).default(300_000),
  /** How long past the payment deadline the saga sweep takes an unpaid saga whose expiry job did not run. */
  SAGA_TIMEOUT_GRACE_MS: z.coerce.number().int().min(0).default(30_000),
  /** Cron (UTC) of the saga sweep. */
  SAGA_SWEEP_CRON: z.string().default('* * * * *'),
}

export type OrderConfig = z.infer<z.ZodObject<typeof orderConfigShape>>

export const loadOrderConfig = (env: Record<string, string | undefined> = process.env): OrderConfig =>
  loadConfig(orderConfigShape, env)
