// The replies to the purchase saga, written to the outbox in the transaction that decided them.
// Each builds its payload from the payment row, so a resent reply says the same as the first.
import { enqueue } from '@deals/messaging'
import {
  paymentApprovalRequiredV1,
  paymentChargeFailedV1,
  paymentChargeSucceededV1,
  paymentRefundCompletedV1,
  type ChargeFailureCode,
  type EventPayload,
  type RefundReason,
} from '@deals/contracts'
import type { Payment } from '../../generated/prisma/client.ts'
import type { PaymentTx } from '../database.ts'

const FAILURE_MESSAGES: Record<ChargeFailureCode, string> = {
  INSUFFICIENT_BALANCE: 'The wallet balance does not cover the order',
  PROVIDER_DECLINED: 'The payment provider declined the payment',
  APPROVAL_EXPIRED: 'The buyer did not approve the payment in time',
  ORDER_VOIDED: 'The order was voided before it was paid',
}

export async function replyChargeSucceeded(tx: PaymentTx, payment: Payment): Promise<void> {
  const payload: EventPayload<typeof paymentChargeSucceededV1> = {
    orderId: payment.orderId,
    userId: payment.userId,
    sellerId: payment.sellerId,
    amount: payment.amount,
    paymentId: payment.id,
    method: payment.method,
    paidAt: (payment.paidAt ?? new Date()).toISOString(),
  }
  await enqueue(tx, { name: paymentChargeSucceededV1.name, payload })
}

export async function replyChargeFailed(
  tx: PaymentTx,
  payment: Payment,
  code: ChargeFailureCode,
): Promise<void> {
  const payload: EventPayload<typeof paymentChargeFailedV1> = {
    orderId: payment.orderId,
    userId: payment.userId,
    paymentId: payment.id,
    code,
    message: payment.failureMessage ?? FAILURE_MESSAGES[code],
    failedAt: (payment.failedAt ?? payment.voidedAt ?? new Date()).toISOString(),
  }
  await enqueue(tx, { name: paymentChargeFailedV1.name, payload })
}

export function failureMessage(code: ChargeFailureCode): string {
  return FAILURE_MESSAGES[code]
}

export async function replyApprovalRequired(tx: PaymentTx, payment: Payment): Promise<void> {
  if (!payment.redirectUrl || !payment.payBy) throw new Error(`payment ${payment.id} is not ready`)
  const payload: EventPayload<typeof paymentApprovalRequiredV1> = {
    orderId: payment.orderId,
    userId: payment.userId,
    paymentId: payment.id,
    redirectUrl: payment.redirectUrl,
    payBy: payment.payBy.toISOString(),
  }
  await enqueue(tx, { name: paymentApprovalRequiredV1.name, payload })
}

/** REFUNDED when money went back, VOIDED when none was ever taken (FAILED or VOIDED payments). */
export async function replyRefundCompleted(
  tx: PaymentTx,
  payment: Payment,
  reason: RefundReason,
): Promise<void> {
  const refunded = payment.state === 'REFUNDED'
  const payload: EventPayload<typeof paymentRefundCompletedV1> = {
    orderId: payment.orderId,
    userId: payment.userId,
    paymentId: payment.id,
    outcome: refunded ? 'REFUNDED' : 'VOIDED',
    refundedAmount: refunded ? payment.refundedAmount : 0,
    reason: (payment.refundReason as RefundReason | null) ?? reason,
    completedAt: (payment.refundedAt ?? payment.voidedAt ?? payment.failedAt ?? new Date()).toISOString(),
  }
  await enqueue(tx, { name: paymentRefundCompletedV1.name, payload })
}
