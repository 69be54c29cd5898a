// Operator tools: payments by state, the stuck ones, and running a stuck provider step again.
import { z } from 'zod'
import { pageOf, pageQueryShape, problemResponses } from '@deals/service-kit'
import { paymentSchema, paymentStateSchema } from '../payments/schemas.ts'

export const adminPaymentSchema = paymentSchema.extend({
  updatedAt: z.iso.datetime(),
  /** PREPARING, APPROVING or REFUNDING and unchanged for ten minutes: its provider job may be gone. */
  stuck: z.boolean(),
})

const paymentIdParams = z.object({ paymentId: z.uuid() })

export const listPaymentsSchema = {
  tags: ['admin'],
  summary: 'Payments, newest first (ADMIN); `stuck=true` for those a provider step left unfinished',
  description:
    'A payment is stuck when it is still PREPARING, APPROVING or REFUNDING ten minutes after its ' +
    'last change (the `payment_payments_stuck` gauge counts them). Its provider job retries for ' +
    'about an hour; once pg-boss gives up, only `POST /admin/payments/:paymentId/retry` moves it.',
  querystring: z.strictObject({
    ...pageQueryShape,
    state: paymentStateSchema.optional(),
    stuck: z
      .enum(['true', 'false'])
      .transform((v) => v === 'true')
      .optional(),
  }),
  response: { 200: pageOf(adminPaymentSchema), ...problemResponses(400, 401, 403) },
}

export const retryPaymentSchema = {
  tags: ['admin'],
  summary: 'Run the provider step a payment waits on again (ADMIN)',
  description:
    'Schedules the job of the step a PREPARING (ready), APPROVING (reconcile) or REFUNDING ' +
    '(cancel) payment waits on, to run now; 202 with the payment. The job calls the provider ' +
    'with the idempotency keys derived from the payment id, so a retry never charges or refunds ' +
    'twice. 409 PAYMENT_NOT_RETRYABLE in any other state (`paymentState`).',
  params: paymentIdParams,
  response: { 202: adminPaymentSchema, ...problemResponses(400, 401, 403, 404, 409) },
}
