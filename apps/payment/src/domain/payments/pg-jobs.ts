// Names of the durable jobs that talk to the payment provider, outside any consumer transaction.
// Each carries only the payment id and re-reads the payment, so a stale or repeated job is a no-op.
import type { PaymentState } from '../../generated/prisma/client.ts'

export interface PgJob {
  paymentId: string
}

/** PREPARING -> provider.ready -> READY (or FAILED when declined). */
export const PG_READY_JOB = 'payment.pg-ready'
/** An approval whose outcome is unknown (a timeout, a crash mid-call): lookup, then finish it. */
export const PG_RECONCILE_JOB = 'payment.pg-reconcile'
/** REFUNDING -> provider.cancel -> REFUNDED. */
export const PG_CANCEL_JOB = 'payment.pg-cancel'
/** READY past payBy without an approval -> FAILED (APPROVAL_EXPIRED). */
export const PG_EXPIRY_JOB = 'payment.pg-expiry'

/**
 * The job that moves a payment on from each state only a provider job leaves: the one to schedule
 * again when pg-boss gave up on it.
 */
export const PROVIDER_STEP_JOBS: Partial<Record<PaymentState, string>> = {
  PREPARING: PG_READY_JOB,
  APPROVING: PG_RECONCILE_JOB,
  REFUNDING: PG_CANCEL_JOB,
}
