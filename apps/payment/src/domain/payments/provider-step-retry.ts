// An operator's way out for a payment whose provider job pg-boss gave up on (the provider was
// down for longer than the job's retries): the job of the step the payment waits on is scheduled
// again. That job re-reads the payment under a row lock and calls the provider with the keys
// derived from the payment id, so a retry never takes or returns money twice, not even next to
// a job of the same step that is still alive.
import type { JobScheduler } from '@deals/jobs'
import type { PaymentDb } from '../database.ts'
import { PaymentNotFound, PaymentNotRetryable } from './payment-errors.ts'
import type { AdminPaymentView, PaymentQueries } from './payment-queries.ts'
import { lockPayment, updatePayment } from './payment-rows.ts'
import { PROVIDER_STEP_JOBS, type PgJob } from './pg-jobs.ts'

export interface ProviderStepRetryDeps {
  db: PaymentDb
  jobs: JobScheduler
  payments: PaymentQueries
}

export class ProviderStepRetry {
  constructor(private readonly deps: ProviderStepRetryDeps) {}

  /** Schedules the provider step `paymentId` waits on to run now; 409 if it waits on none. */
  async retry(paymentId: string): Promise<AdminPaymentView> {
    const { db, jobs, payments } = this.deps
    const retried = await db.$transaction(async (tx) => {
      const payment = await lockPayment(tx, paymentId)
      if (!payment) throw PaymentNotFound()
      const job = PROVIDER_STEP_JOBS[payment.state]
      if (!job) throw PaymentNotRetryable(`The payment is ${payment.state}`, { paymentState: payment.state })
      // Touched, the payment leaves the stuck list until this job too has had its time.
      const touched = await updatePayment(tx, paymentId, {})
      // The step's first job keeps its key until pg-boss archives it: a new key per retry.
      await jobs.runSoon<PgJob>(
        job,
        { paymentId },
        { tx, key: `${paymentId}:retry:${touched.updatedAt.getTime()}` },
      )
      return touched
    })
    return payments.adminView(retried)
  }
}
