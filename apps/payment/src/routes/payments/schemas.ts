// Reading payments and approving a provider (PG) payment.
import { z } from 'zod'
import { paymentMethodSchema } from '@deals/contracts'
import { pageOf, pageQueryShape, problemResponses } from '@deals/service-kit'

export const paymentStateSchema = z.enum([
  'PREPARING',
  'READY',
  'APPROVING',
  'PAID',
  'FAILED',
  'REFUNDING',
  'REFUNDED',
  'VOIDED',
])

export const paymentSchema = z.object({
  id: z.uuid(),
  orderId: z.uuid(),
  userId: z.uuid(),
  sellerId: z.uuid(),
  amount: z.number().int(),
  method: paymentMethodSchema,
  state: paymentStateSchema,
  productName: z.string(),
  payBy: z.iso.datetime().nullable(),
  /** Where the buyer approves a PG payment at the provider. */
  redirectUrl: z.string().nullable(),
  failureCode: z.string().nullable(),
  refundedAmount: z.number().int(),
  createdAt: z.iso.datetime(),
  paidAt: z.iso.datetime().nullable(),
  failedAt: z.iso.datetime().nullable(),
  refundedAt: z.iso.datetime().nullable(),
  voidedAt: z.iso.datetime().nullable(),
})

export const listMyPaymentsSchema = {
  tags: ['payments'],
  summary: 'My payments, newest first',
  querystring: z.strictObject({ ...pageQueryShape, orderId: z.uuid().optional() }),
  response: { 200: pageOf(paymentSchema), ...problemResponses(400, 401) },
}

export const getPaymentSchema = {
  tags: ['payments'],
  summary: 'One payment (its buyer or an admin)',
  params: z.object({ paymentId: z.uuid() }),
  response: { 200: paymentSchema, ...problemResponses(400, 401, 404) },
}

export const approvePaymentSchema = {
  tags: ['payments'],
  summary: 'Approve a PG payment with the token the provider page gave the buyer',
  description:
    'READY -> PAID. 422 PROVIDER_DECLINED when the provider says no (the payment is FAILED); 503 ' +
    'PROVIDER_UNAVAILABLE when it does not answer (the payment stays APPROVING and is settled ' +
    'automatically); 409 PAYMENT_EXPIRED past payBy. Approving a PAID payment again returns it.',
  params: z.object({ paymentId: z.uuid() }),
  body: z.strictObject({ pgToken: z.string().min(1).max(512) }),
  response: { 200: paymentSchema, ...problemResponses(400, 401, 404, 409, 413, 415, 422, 503) },
}
