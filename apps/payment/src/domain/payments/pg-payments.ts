// The provider (PG) path of a payment: ready at the provider (a job), the buyer's approval (a
// route), the reconcile of an approval whose outcome is unknown, the cancel that refunds, and the
// expiry of an approval never made. Provider calls happen outside any database transaction; each
// carries an idempotency key derived from the payment id, so a retry can never take or return the
// money twice. Every step re-reads the payment under a row lock and does nothing if it has moved on.
import type { JobScheduler } from '@deals/jobs'
import type { RefundReason } from '@deals/contracts'
import type { Payment } from '../../generated/prisma/client.ts'
import type { PaymentDb, PaymentTx } from '../database.ts'
import { book, pgClearing, sellerPayable } from '../ledger/ledger.ts'
import {
  ProviderDeclined,
  ProviderUnavailable,
  type PaymentProvider,
  type ProviderPayment,
} from '../provider/payment-provider.ts'
import {
  ApprovalInProgress,
  PaymentExpired,
  PaymentNotApprovable,
  PaymentNotFound,
  ProviderDeclinedPayment,
  ProviderUnavailableNow,
} from './payment-errors.ts'
import type { PaymentMetrics } from './payment-metrics.ts'
import { paymentView, type PaymentView } from './payment-queries.ts'
import {
  replyApprovalRequired,
  replyChargeFailed,
  replyChargeSucceeded,
  replyRefundCompleted,
} from './payment-replies.ts'
import { lockPayment, updatePayment } from './payment-rows.ts'
import { PG_EXPIRY_JOB, PG_RECONCILE_JOB, type PgJob } from './pg-jobs.ts'
import { markFailed, startProviderRefund } from './saga-commands.ts'

export interface PgPaymentsDeps {
  db: PaymentDb
  provider: PaymentProvider
  jobs: JobScheduler
  metrics: PaymentMetrics
  reconcileDelayMs: number
  logger: { warn(obj: object, msg: string): void }
}

const idempotencyKey = (paymentId: string, step: 'ready' | 'approve' | 'refund') => `${paymentId}:${step}`

/** Why a refund happens, as the provider's cancel wants it in words. */
const CANCEL_REASONS: Record<RefundReason, string> = {
  EXPIRED: 'order expired',
  PAYMENT_TIMEOUT: 'payment timed out',
  BUYER_CANCELLED: 'cancelled by the buyer',
  RETURNED: 'order returned',
}

export class PgPayments {
  constructor(private readonly deps: PgPaymentsDeps) {}

  /** Job: PREPARING -> READY with the provider's tid and approval page; replies approval-required. */
  async ready({ paymentId }: PgJob): Promise<void> {
    const { db, provider } = this.deps
    const payment = await db.payment.findUnique({ where: { id: paymentId } })
    if (payment?.state !== 'PREPARING') return
    let readied: { tid: string; redirectUrl: string }
    try {
      readied = await provider.ready({
        paymentId,
        orderId: payment.orderId,
        amount: payment.amount,
        itemName: payment.productName || 'order',
        buyerId: payment.userId,
        idempotencyKey: idempotencyKey(paymentId, 'ready'),
      })
    } catch (error) {
      if (!(error instanceof ProviderDeclined)) throw error
      await this.inState(paymentId, ['PREPARING'], async (tx, p) => {
        const failed = await markFailed(tx, p, 'PROVIDER_DECLINED', error.message)
        this.deps.metrics.payment('PG', 'failed')
        await replyChargeFailed(tx, failed, 'PROVIDER_DECLINED')
      })
      return
    }
    await this.inState(paymentId, ['PREPARING'], async (tx, p) => {
      const ready = await updatePayment(tx, p.id, {
        state: 'READY',
        tid: readied.tid,
        redirectUrl: readied.redirectUrl,
      })
      if (ready.payBy)
        await this.deps.jobs.scheduleAt<PgJob>(PG_EXPIRY_JOB, { paymentId }, ready.payBy, {
          tx,
          key: paymentId,
        })
      this.deps.metrics.payment('PG', 'approval_required')
      await replyApprovalRequired(tx, ready)
    })
  }

  /**
   * The buyer's approval: READY -> APPROVING (committed, with a reconcile job as a safety net),
   * then the provider's approve, then PAID or FAILED. If the provider does not answer, the
   * payment stays APPROVING and the reconcile job finishes it.
   */
  async approve(userId: string, paymentId: string, pgToken: string): Promise<PaymentView> {
    const { db, provider, jobs, reconcileDelayMs } = this.deps
    const started = await db.$transaction(async (tx) => {
      const payment = await lockPayment(tx, paymentId)
      if (!payment || payment.userId !== userId || payment.method !== 'PG') throw PaymentNotFound()
      if (payment.state === 'PAID') return { done: payment, approving: null }
      if (payment.state === 'APPROVING') throw ApprovalInProgress()
      // Past payBy the answer is the same whether or not the expiry job has run yet.
      const lapsed =
        payment.state === 'READY' && payment.payBy !== null && payment.payBy.getTime() <= Date.now()
      if (lapsed || payment.failureCode === 'APPROVAL_EXPIRED') throw PaymentExpired()
      if (payment.state !== 'READY' || !payment.tid)
        throw PaymentNotApprovable(`The payment is ${payment.state}`, { paymentState: payment.state })
      const approving = await updatePayment(tx, paymentId, { state: 'APPROVING', pgToken })
      await jobs.scheduleAt<PgJob>(PG_RECONCILE_JOB, { paymentId }, new Date(Date.now() + reconcileDelayMs), {
        tx,
        key: paymentId,
      })
      return { approving }
    })
    if (!started.approving) return paymentView(started.done)
    const { approving } = started
    try {
      await provider.approve({
        tid: approving.tid as string,
        pgToken,
        amount: approving.amount,
        idempotencyKey: idempotencyKey(paymentId, 'approve'),
      })
    } catch (error) {
      if (error instanceof ProviderDeclined) {
        const failed = await this.finishDeclined(paymentId, error.message)
        throw ProviderDeclinedPayment(error.message, {
          providerCode: error.providerCode,
          paymentState: failed?.state ?? 'FAILED',
        })
      }
      if (error instanceof ProviderUnavailable) throw ProviderUnavailableNow()
      throw error
    }
    // Null when the reconcile job finished the approval first: the payment as it now stands.
    const paid =
      (await this.finishApproved(paymentId)) ?? (await db.payment.findUnique({ where: { id: paymentId } }))
    return paymentView(paid ?? approving)
  }

  /** Job: an approval still APPROVING is looked up at the provider and finished either way. */
  async reconcile({ paymentId }: PgJob): Promise<void> {
    const { db, provider } = this.deps
    const payment = await db.payment.findUnique({ where: { id: paymentId } })
    if (payment?.state !== 'APPROVING' || !payment.tid) return
    const known: ProviderPayment = await provider.lookup(payment.tid)
    switch (known.status) {
      case 'APPROVED':
        await this.finishApproved(paymentId)
        return
      case 'READY':
        // Our approve never reached the provider: send it again under the same key.
        try {
          await provider.approve({
            tid: payment.tid,
            pgToken: payment.pgToken ?? '',
            amount: payment.amount,
            idempotencyKey: idempotencyKey(paymentId, 'approve'),
          })
        } catch (error) {
          if (error instanceof ProviderDeclined) await this.finishDeclined(paymentId, error.message)
          else throw error
          return
        }
        await this.finishApproved(paymentId)
        return
      case 'FAILED':
      case 'EXPIRED':
      case 'CANCELLED':
        await this.finishDeclined(paymentId, `The provider reports the payment ${known.status.toLowerCase()}`)
        return
    }
  }

  /** Job: REFUNDING -> provider cancel -> REFUNDED (ledger back from the seller) + reply. */
  async cancel({ paymentId }: PgJob): Promise<void> {
    const { db, provider, logger } = this.deps
    const payment = await db.payment.findUnique({ where: { id: paymentId } })
    if (payment?.state !== 'REFUNDING' || !payment.tid) return
    try {
      await provider.cancel({
        tid: payment.tid,
        amount: payment.amount,
        reason: CANCEL_REASONS[payment.refundReason as RefundReason] ?? 'refund',
        idempotencyKey: idempotencyKey(paymentId, 'refund'),
      })
    } catch (error) {
      if (!(error instanceof ProviderDeclined)) throw error
      // A refusal of a cancel that in fact went through earlier (its answer was lost) is fine.
      const known = await provider.lookup(payment.tid)
      if (known.status !== 'CANCELLED') {
        logger.warn({ paymentId, providerCode: error.providerCode }, 'provider refused the refund; retrying')
        throw error
      }
    }
    await this.inState(paymentId, ['REFUNDING'], async (tx, p) => {
      await book(tx, {
        kind: 'REFUND',
        reference: p.id,
        amount: p.amount,
        from: sellerPayable(p.sellerId),
        to: pgClearing,
        paymentId: p.id,
      })
      const refunded = await updatePayment(tx, p.id, {
        state: 'REFUNDED',
        refundedAmount: p.amount,
        refundedAt: new Date(),
      })
      this.deps.metrics.refund('PG', 'refunded')
      await replyRefundCompleted(tx, refunded, p.refundReason as RefundReason)
    })
  }

  /** Job at payBy: a payment still READY was never approved; the charge fails. */
  async expire({ paymentId }: PgJob): Promise<void> {
    await this.inState(paymentId, ['READY'], async (tx, p) => {
      const failed = await markFailed(tx, p, 'APPROVAL_EXPIRED')
      this.deps.metrics.payment('PG', 'failed')
      await replyChargeFailed(tx, failed, 'APPROVAL_EXPIRED')
    })
  }

  /** APPROVING -> PAID, booked from the provider clearing to the seller; a refund asked meanwhile starts now. */
  private finishApproved(paymentId: string): Promise<Payment | null> {
    return this.inState(paymentId, ['APPROVING'], async (tx, p) => {
      await book(tx, {
        kind: 'PAYMENT',
        reference: p.id,
        amount: p.amount,
        from: pgClearing,
        to: sellerPayable(p.sellerId),
        paymentId: p.id,
      })
      const paid = await updatePayment(tx, p.id, { state: 'PAID', paidAt: new Date(), pgToken: null })
      this.deps.metrics.payment('PG', 'paid')
      if (!p.refundRequested) {
        await replyChargeSucceeded(tx, paid)
        return paid
      }
      await startProviderRefund(tx, this.deps.jobs, paid, p.refundReason ?? 'PAYMENT_TIMEOUT')
      return lockPayment(tx, paymentId)
    })
  }

  /** APPROVING -> FAILED; if the saga asked for a refund meanwhile, it learns that nothing was taken. */
  private finishDeclined(paymentId: string, message: string): Promise<Payment | null> {
    return this.inState(paymentId, ['APPROVING'], async (tx, p) => {
      const failed = await markFailed(tx, p, 'PROVIDER_DECLINED', message)
      await updatePayment(tx, p.id, { pgToken: null })
      this.deps.metrics.payment('PG', 'failed')
      if (p.refundRequested) await replyRefundCompleted(tx, failed, p.refundReason as RefundReason)
      else await replyChargeFailed(tx, failed, 'PROVIDER_DECLINED')
      return failed
    })
  }

  /** Runs `step` on the locked payment if it is still in one of `states`; null otherwise. */
  private inState<R>(
    paymentId: string,
    states: Payment['state'][],
    step: (tx: PaymentTx, payment: Payment) => Promise<R>,
  ): Promise<R | null> {
    return this.deps.db.$transaction(async (tx) => {
      const payment = await lockPayment(tx, paymentId)
      if (!payment || !states.includes(payment.state)) return null
      return step(tx, payment)
    })
  }
}
