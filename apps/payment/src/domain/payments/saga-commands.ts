// The payment service's side of the purchase saga: a charge or refund command, applied in the
// consumer's transaction (with its inbox record) and answered through the outbox. One payment per
// order; a repeated command (the saga resending) answers with the payment's current outcome, so
// nothing is charged or refunded twice. Network calls to the provider never happen here: the PG
// path schedules durable jobs in the same transaction instead.
import { v7 as uuidv7 } from 'uuid'
import type {
  ChargeFailureCode,
  EventPayload,
  paymentChargeRequestedV1,
  paymentRefundRequestedV1,
  RefundReason,
} from '@deals/contracts'
import type { JobScheduler } from '@deals/jobs'
import type { Payment } from '../../generated/prisma/client.ts'
import type { PaymentTx } from '../database.ts'
import { book, sellerPayable, wallet } from '../ledger/ledger.ts'
import type { PaymentMetrics } from './payment-metrics.ts'
import {
  failureMessage,
  replyApprovalRequired,
  replyChargeFailed,
  replyChargeSucceeded,
  replyRefundCompleted,
} from './payment-replies.ts'
import { insertOrLockPayment, updatePayment } from './payment-rows.ts'
import { PG_CANCEL_JOB, PG_READY_JOB, type PgJob } from './pg-jobs.ts'

export type ChargeCommand = EventPayload<typeof paymentChargeRequestedV1>
export type RefundCommand = EventPayload<typeof paymentRefundRequestedV1>

/** A fresh payment id and the order's parties and amount, as both commands carry them. */
const newPaymentOf = (command: ChargeCommand | RefundCommand) => ({
  id: uuidv7(),
  orderId: command.orderId,
  userId: command.userId,
  sellerId: command.sellerId,
  amount: command.amount,
})

export class SagaCommands {
  constructor(private readonly deps: { jobs: JobScheduler; metrics: PaymentMetrics }) {}

  async charge(tx: PaymentTx, command: ChargeCommand): Promise<void> {
    const { created, payment } = await insertOrLockPayment(tx, {
      ...newPaymentOf(command),
      method: command.method,
      state: 'PREPARING',
      productName: command.productName,
      payBy: new Date(command.payBy),
    })
    if (!created) return this.resendChargeOutcome(tx, payment)
    if (payment.method === 'WALLET') return this.chargeWallet(tx, payment)
    await this.deps.jobs.runSoon<PgJob>(PG_READY_JOB, { paymentId: payment.id }, { tx, key: payment.id })
  }

  async refund(tx: PaymentTx, command: RefundCommand): Promise<void> {
    const now = new Date()
    // The tombstone's method does not matter: nothing is ever charged on a VOIDED payment.
    const { created, payment } = await insertOrLockPayment(tx, {
      ...newPaymentOf(command),
      method: 'WALLET',
      state: 'VOIDED',
      refundReason: command.reason,
      voidedAt: now,
    })
    if (created) {
      this.deps.metrics.refund('none', 'voided')
      return replyRefundCompleted(tx, payment, command.reason)
    }
    switch (payment.state) {
      case 'PREPARING':
      case 'READY': {
        const voided = await updatePayment(tx, payment.id, {
          state: 'VOIDED',
          voidedAt: now,
          refundReason: command.reason,
        })
        this.deps.metrics.refund(payment.method, 'voided')
        return replyRefundCompleted(tx, voided, command.reason)
      }
      case 'APPROVING':
        // The provider may or may not have taken the money: the approval's end (or its reconcile)
        // refunds or voids, and replies then.
        await updatePayment(tx, payment.id, { refundRequested: true, refundReason: command.reason })
        return
      case 'PAID':
        return payment.method === 'WALLET'
          ? this.refundWallet(tx, payment, command.reason)
          : startProviderRefund(tx, this.deps.jobs, payment, command.reason)
      case 'REFUNDING':
        return
      case 'REFUNDED':
      case 'VOIDED':
      case 'FAILED':
        return replyRefundCompleted(tx, payment, command.reason)
    }
  }

  private async chargeWallet(tx: PaymentTx, payment: Payment): Promise<void> {
    const booked = await book(tx, {
      kind: 'PAYMENT',
      reference: payment.id,
      amount: payment.amount,
      from: wallet(payment.userId),
      to: sellerPayable(payment.sellerId),
      paymentId: payment.id,
    })
    if (booked.outcome === 'INSUFFICIENT_BALANCE') {
      const failed = await markFailed(tx, payment, 'INSUFFICIENT_BALANCE')
      this.deps.metrics.payment('WALLET', 'failed')
      return replyChargeFailed(tx, failed, 'INSUFFICIENT_BALANCE')
    }
    const paid = await updatePayment(tx, payment.id, { state: 'PAID', paidAt: new Date() })
    this.deps.metrics.payment('WALLET', 'paid')
    await replyChargeSucceeded(tx, paid)
  }

  private async refundWallet(tx: PaymentTx, payment: Payment, reason: RefundReason): Promise<void> {
    await book(tx, {
      kind: 'REFUND',
      reference: payment.id,
      amount: payment.amount,
      from: sellerPayable(payment.sellerId),
      to: wallet(payment.userId),
      paymentId: payment.id,
    })
    const refunded = await updatePayment(tx, payment.id, {
      state: 'REFUNDED',
      refundedAmount: payment.amount,
      refundedAt: new Date(),
      refundReason: reason,
    })
    this.deps.metrics.refund('WALLET', 'refunded')
    await replyRefundCompleted(tx, refunded, reason)
  }

  private async resendChargeOutcome(tx: PaymentTx, payment: Payment): Promise<void> {
    switch (payment.state) {
      case 'PAID':
      case 'REFUNDING':
      case 'REFUNDED':
        return replyChargeSucceeded(tx, payment)
      case 'FAILED':
        return replyChargeFailed(tx, payment, payment.failureCode as ChargeFailureCode)
      case 'VOIDED':
        return replyChargeFailed(tx, payment, 'ORDER_VOIDED')
      case 'READY':
        return replyApprovalRequired(tx, payment)
      case 'PREPARING':
      case 'APPROVING':
        // The outcome is not known yet; the job that learns it replies.
        return
    }
  }
}

/** Marks the payment FAILED with `code`; nothing was taken. */
export function markFailed(tx: PaymentTx, payment: Payment, code: ChargeFailureCode, message?: string) {
  return updatePayment(tx, payment.id, {
    state: 'FAILED',
    failureCode: code,
    failureMessage: message ?? failureMessage(code),
    failedAt: new Date(),
  })
}

/** A paid PG payment goes REFUNDING and a durable job asks the provider to cancel it. */
export async function startProviderRefund(
  tx: PaymentTx,
  jobs: JobScheduler,
  payment: Payment,
  reason: string,
): Promise<void> {
  await updatePayment(tx, payment.id, { state: 'REFUNDING', refundReason: reason })
  await jobs.runSoon<PgJob>(PG_CANCEL_JOB, { paymentId: payment.id }, { tx, key: payment.id })
}
