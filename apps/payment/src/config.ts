// The payment service's configuration, parsed once at start; development defaults never reach production.
import { z } from 'zod'
import { idempotencyConfigShape } from '@deals/idempotency'
import { baseConfigShape, devDefault, inboxRetentionConfigShape, loadConfig } from '@deals/service-kit'

export const paymentConfigShape = {
  ...baseConfigShape,
  ...inboxRetentionConfigShape,
  ...idempotencyConfigShape,
  PORT: z.coerce.number().int().min(0).max(65535).default(3005),
  DATABASE_URL: devDefault(z.string().url(), 'postgresql://postgres@127.0.0.1:5432/deals_payment'),
  REDIS_URL: devDefault(z.string().url(), 'redis://127.0.0.1:6379'),
  REDIS_KEY_PREFIX: z.string().default('payment:'),
  /** The broker the saga's commands come from and the replies go to. */
  AMQP_URL: devDefault(z.string().url(), 'amqp://guest:guest@127.0.0.1:5672'),
  TRUST_PROXY: z.string().default('loopback'),
  /** The payment provider's API (the bundled simulator in development). */
  PAYMENT_PROVIDER_URL: devDefault(z.string().url(), 'http://127.0.0.1:8090'),
  PAYMENT_PROVIDER_SECRET_KEY: devDefault(z.string().min(1), 'DEV-ONLY-payment-provider-sim-secret-key'),
  /** Deadline of one provider call attempt; the client retries a few times with the same key. */
  PAYMENT_PROVIDER_TIMEOUT_MS: z.coerce.number().int().min(50).default(3000),
  /** The largest single wallet top-up, in won. */
  WALLET_TOPUP_MAX_AMOUNT: z.coerce.number().int().min(1).default(10_000_000),
  /**
   * How long after an approval starts its outcome is looked up at the provider if it has not
   * ended by then (a timeout, or a process that died mid-call).
   */
  PG_RECONCILE_DELAY_SECONDS: z.coerce.number().min(0.5).default(30),
  /** Cron of the nightly settlement, read in SETTLEMENT_TIME_ZONE; it settles the previous day. */
  SETTLEMENT_CRON: z.string().default('0 4 * * *'),
  SETTLEMENT_TIME_ZONE: z
    .string()
    .default('Asia/Seoul')
    .refine((zone) => isTimeZone(zone), 'an IANA time zone such as Asia/Seoul'),
}

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-CA', { timeZone: zone })
    return true
  } catch {
    return false
  }
}

export type PaymentConfig = z.infer<z.ZodObject<typeof paymentConfigShape>>

export const loadPaymentConfig = (env: Record<string, string | undefined> = process.env): PaymentConfig =>
  loadConfig(paymentConfigShape, env)
