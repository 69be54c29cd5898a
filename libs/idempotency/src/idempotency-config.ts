// The Idempotency-Key settings of a service that honours the header, and the retention of its
// durable answers. Redis replays an answer for IDEMPOTENCY_TTL_SECONDS; the service's
// `idempotency_records` row of a request that created something replays it after Redis forgot,
// for IDEMPOTENCY_RETENTION_HOURS, then the retention sweep deletes it: a client retrying the key
// later than both is taken for a new request (a deal's per-user limit still stops a second order).
import { z } from 'zod'

export const idempotencyConfigShape = {
  /** How long a retry waits for the same key's first request to finish before a 409. */
  IDEMPOTENCY_WAIT_MS: z.coerce.number().int().min(0).default(3000),
  /** How long answers are kept in Redis for replay. */
  IDEMPOTENCY_TTL_SECONDS: z.coerce
    .number()
    .int()
    .min(60)
    .default(24 * 3600),
  /** How long the durable answers (`idempotency_records`) are kept: at least a day, 30 days unless set. */
  IDEMPOTENCY_RETENTION_HOURS: z.coerce
    .number()
    .int()
    .min(24)
    .default(30 * 24),
}

/** The retention rule of `idempotency_records` (its `created_at` is indexed for it). */
export function idempotencyRetentionRule(hours: number): { table: string; column: string; retainMs: number } {
  return { table: 'idempotency_records', column: 'created_at', retainMs: hours * 3_600_000 }
}
