// The payment service's replies applied to the purchase saga, inside the consumer's transaction
// (the inbox record commits with the effect). The saga is locked first and decides: a reply for a
// step the saga has left, or one already applied, is dropped; otherwise the order takes the step
// the reply brings (paid, payment failed) or records what it tells (approval, refund).
import { z } from 'zod'
import {
  paymentApprovalRequiredV1,
  paymentChargeFailedV1,
  paymentChargeSucceededV1,
  paymentRefundCompletedV1,
} from '@deals/contracts'
import type { OrderTx } from '../database.ts'
import type { OrderLifecycle } from '../lifecycle/order-lifecycle.ts'
import { decideSaga, type SagaInput } from './purchase-saga.ts'
import type { SagaEnded, SagaStore } from './saga-store.ts'

/** The fields the saga reads of each reply (tolerant reader: the rest may change freely). */
export const paymentReplySchema = z.discriminatedUnion('name', [
  z.object({
    name: z.literal(paymentChargeSucceededV1.name),
    payload: z.object({ orderId: z.uuid(), paymentId: z.uuid(), paidAt: z.iso.datetime() }),
  }),
  z.object({
    name: z.literal(paymentChargeFailedV1.name),
    payload: z.object({ orderId: z.uuid(), code: z.string(), message: z.string() }),
  }),
  z.object({
    name: z.literal(paymentApprovalRequiredV1.name),
    payload: z.object({ orderId: z.uuid(), paymentId: z.uuid(), redirectUrl: z.url() }),
  }),
  z.object({
    name: z.literal(paymentRefundCompletedV1.name),
    payload: z.object({
      orderId: z.uuid(),
      outcome: z.enum(['REFUNDED', 'VOIDED']),
      refundedAmount: z.number().int().nonnegative(),
      completedAt: z.iso.datetime(),
    }),
  }),
])
export type PaymentReply = z.infer<typeof paymentReplySchema>

export const PAYMENT_REPLY_NAMES = paymentReplySchema.options.map((o) => o.shape.name.value)

export type ReplyResult = { applied: false; why: string } | { applied: true; ended: SagaEnded | undefined }

function inputOf(reply: PaymentReply): SagaInput {
  switch (reply.name) {
    case 'payment.charge-succeeded.v1':
      return 'CHARGE_SUCCEEDED'
    case 'payment.charge-failed.v1':
      return 'CHARGE_FAILED'
    case 'payment.approval-required.v1':
      return 'APPROVAL_REQUIRED'
    case 'payment.refund-completed.v1':
      return reply.payload.outcome
  }
}

export class PaymentReplies {
  constructor(
    private readonly sagas: SagaStore,
    private readonly lifecycle: OrderLifecycle,
  ) {}

  async apply(tx: OrderTx, reply: PaymentReply): Promise<ReplyResult> {
    const { orderId } = reply.payload
    const saga = await this.sagas.lock(tx, orderId)
    if (!saga) return { applied: false, why: 'no such order' }
    const input = inputOf(reply)
    if (decideSaga(saga.state, input).kind === 'DROP')
      return { applied: false, why: `${input} does not apply to a saga in ${saga.state}` }
    switch (reply.name) {
      case 'payment.charge-succeeded.v1': {
        const { paymentId, paidAt } = reply.payload
        const paid = await this.lifecycle.markPaid(tx, orderId, { paymentId, paidAt: new Date(paidAt) })
        return { applied: true, ended: paid.sagaEnded }
      }
      case 'payment.charge-failed.v1': {
        const { code, message } = reply.payload
        const failed = await this.lifecycle.failPayment(tx, orderId, `${code}: ${message}`)
        return { applied: true, ended: failed.sagaEnded }
      }
      case 'payment.approval-required.v1': {
        const { paymentId, redirectUrl } = reply.payload
        await tx.order.update({
          where: { id: orderId },
          data: { paymentId, paymentRedirectUrl: redirectUrl },
        })
        return { applied: true, ended: undefined }
      }
      case 'payment.refund-completed.v1': {
        const { refundedAmount, completedAt } = reply.payload
        const order = await tx.order.update({
          where: { id: orderId },
          data: { refundedAmount, refundedAt: new Date(completedAt) },
        })
        const { ended } = await this.sagas.advance(tx, order, input)
        return { applied: true, ended }
      }
    }
  }
}
