// Party share payments: a member's share moves from their wallet into the party's escrow, back on
// a refund, or on to the leader's wallet when the party's round is released. Applied in the
// consumer's transaction and answered through the outbox. One row per share id; a repeated
// command answers with the share's current outcome and the ledger's unique references (share id,
// round id) are the last guard against booking anything twice.
import { v7 as uuidv7 } from 'uuid'
import { enqueue } from '@deals/messaging'
import {
  paymentShareChargedV1,
  paymentShareChargeFailedV1,
  paymentShareRefundedV1,
  paymentShareReleasedV1,
  type EventPayload,
  type paymentShareChargeRequestedV1,
  type paymentShareRefundRequestedV1,
  type paymentShareReleaseRequestedV1,
  type ShareChargeFailureCode,
} from '@deals/contracts'
import type { SharePayment } from '../../generated/prisma/client.ts'
import type { PaymentTx } from '../database.ts'
import { book, partyEscrow, SYSTEM_OWNER, wallet } from '../ledger/ledger.ts'
import type { PaymentMetrics } from '../payments/payment-metrics.ts'

export type ShareChargeCommand = EventPayload<typeof paymentShareChargeRequestedV1>
export type ShareRefundCommand = EventPayload<typeof paymentShareRefundRequestedV1>
export type ShareReleaseCommand = EventPayload<typeof paymentShareReleaseRequestedV1>

const FAILURE_MESSAGES: Record<ShareChargeFailureCode, string> = {
  INSUFFICIENT_BALANCE: 'The wallet balance does not cover the share',
  SHARE_VOIDED: 'The share was refunded before it was charged',
}

export class SharePayments {
  constructor(private readonly metrics: PaymentMetrics) {}

  async charge(tx: PaymentTx, command: ShareChargeCommand): Promise<void> {
    const { created, share } = await insertOrLockShare(tx, {
      shareId: command.shareId,
      roundId: command.roundId,
      partyId: command.partyId,
      userId: command.userId,
      leaderId: command.leaderId,
      amount: command.amount,
      state: 'CHARGED',
    })
    if (!created) return resendChargeOutcome(tx, share)
    const booked = await book(tx, {
      kind: 'SHARE_CHARGE',
      reference: share.shareId,
      amount: share.amount,
      from: wallet(share.userId),
      to: partyEscrow(share.partyId),
    })
    if (booked.outcome === 'INSUFFICIENT_BALANCE') {
      const failed = await tx.sharePayment.update({
        where: { id: share.id },
        data: { state: 'FAILED', failureCode: 'INSUFFICIENT_BALANCE', failedAt: new Date() },
      })
      this.metrics.share('failed')
      return replyChargeFailed(tx, failed, 'INSUFFICIENT_BALANCE')
    }
    const charged = await tx.sharePayment.update({ where: { id: share.id }, data: { chargedAt: new Date() } })
    this.metrics.share('charged')
    await replyCharged(tx, charged)
  }

  async refund(tx: PaymentTx, command: ShareRefundCommand): Promise<void> {
    const now = new Date()
    // A tombstone knows neither the amount nor the leader: nothing is ever taken on a VOIDED share.
    const { created, share } = await insertOrLockShare(tx, {
      shareId: command.shareId,
      roundId: command.roundId,
      partyId: command.partyId,
      userId: command.userId,
      leaderId: SYSTEM_OWNER,
      amount: 0,
      state: 'VOIDED',
      voidedAt: now,
    })
    if (created) {
      this.metrics.share('voided')
      return replyRefunded(tx, share)
    }
    if (share.state !== 'CHARGED') return replyRefunded(tx, share)
    await book(tx, {
      kind: 'SHARE_REFUND',
      reference: share.shareId,
      amount: share.amount,
      from: partyEscrow(share.partyId),
      to: wallet(share.userId),
    })
    const refunded = await tx.sharePayment.update({
      where: { id: share.id },
      data: { state: 'REFUNDED', refundedAt: now },
    })
    this.metrics.share('refunded')
    await replyRefunded(tx, refunded)
  }

  /**
   * Moves the round's charged shares to the leader in one booking referenced by the round id;
   * shares not charged (refunded, failed) are left out. Sent again, it books nothing and answers
   * with what was released.
   */
  async release(tx: PaymentTx, command: ShareReleaseCommand): Promise<void> {
    const ids = [...new Set(command.shareIds)].sort()
    // Locked in one order, so a release and a refund of the same shares queue instead of deadlocking.
    await tx.$queryRaw`SELECT id FROM share_payments WHERE share_id = ANY(${ids}::uuid[]) ORDER BY share_id FOR UPDATE`
    const shares = await tx.sharePayment.findMany({
      where: { shareId: { in: ids }, roundId: command.roundId, partyId: command.partyId },
    })
    const charged = shares.filter((s) => s.state === 'CHARGED')
    const now = new Date()
    if (charged.length > 0) {
      const booked = await book(tx, {
        kind: 'SHARE_RELEASE',
        reference: command.roundId,
        amount: charged.reduce((sum, s) => sum + s.amount, 0),
        from: partyEscrow(command.partyId),
        to: wallet(command.leaderId),
      })
      if (booked.outcome !== 'BOOKED')
        throw new Error(`round ${command.roundId} could not be released: ${booked.outcome}`)
      await tx.sharePayment.updateMany({
        where: { id: { in: charged.map((s) => s.id) } },
        data: { state: 'RELEASED', releasedAt: now },
      })
      this.metrics.share('released', charged.length)
    }
    const released = shares.filter((s) => s.state === 'CHARGED' || s.state === 'RELEASED')
    const payload: EventPayload<typeof paymentShareReleasedV1> = {
      roundId: command.roundId,
      partyId: command.partyId,
      leaderId: command.leaderId,
      shareIds: released.map((s) => s.shareId),
      amount: released.reduce((sum, s) => sum + s.amount, 0),
      releasedAt: (released.find((s) => s.releasedAt)?.releasedAt ?? now).toISOString(),
    }
    await enqueue(tx, { name: paymentShareReleasedV1.name, payload })
  }
}

type NewShare = Pick<
  SharePayment,
  'shareId' | 'roundId' | 'partyId' | 'userId' | 'leaderId' | 'amount' | 'state'
> & { voidedAt?: Date }

/**
 * Inserts the share's row unless it has one, and locks it either way: concurrent commands for one
 * share queue on the unique share id.
 */
async function insertOrLockShare(
  tx: PaymentTx,
  share: NewShare,
): Promise<{ created: boolean; share: SharePayment }> {
  const id = uuidv7()
  const inserted = await tx.$queryRaw<{ id: string }[]>`
    INSERT INTO share_payments (id, share_id, round_id, party_id, user_id, leader_id, amount, state, voided_at)
    VALUES (${id}::uuid, ${share.shareId}::uuid, ${share.roundId}::uuid, ${share.partyId}::uuid,
            ${share.userId}::uuid, ${share.leaderId}::uuid, ${share.amount},
            ${share.state}::"SharePaymentState", ${share.voidedAt ?? null})
    ON CONFLICT (share_id) DO NOTHING
    RETURNING id`
  if (inserted.length > 0)
    return { created: true, share: await tx.sharePayment.findUniqueOrThrow({ where: { id } }) }
  await tx.$queryRaw`SELECT id FROM share_payments WHERE share_id = ${share.shareId}::uuid FOR UPDATE`
  return {
    created: false,
    share: await tx.sharePayment.findUniqueOrThrow({ where: { shareId: share.shareId } }),
  }
}

const shareRef = (share: SharePayment) => ({
  shareId: share.shareId,
  roundId: share.roundId,
  partyId: share.partyId,
  userId: share.userId,
})

async function resendChargeOutcome(tx: PaymentTx, share: SharePayment): Promise<void> {
  switch (share.state) {
    case 'CHARGED':
    case 'REFUNDED':
    case 'RELEASED':
      return replyCharged(tx, share)
    case 'FAILED':
      return replyChargeFailed(tx, share, share.failureCode as ShareChargeFailureCode)
    case 'VOIDED':
      return replyChargeFailed(tx, share, 'SHARE_VOIDED')
  }
}

async function replyCharged(tx: PaymentTx, share: SharePayment): Promise<void> {
  const payload: EventPayload<typeof paymentShareChargedV1> = {
    ...shareRef(share),
    amount: share.amount,
    chargedAt: (share.chargedAt ?? share.createdAt).toISOString(),
  }
  await enqueue(tx, { name: paymentShareChargedV1.name, payload })
}

async function replyChargeFailed(
  tx: PaymentTx,
  share: SharePayment,
  code: ShareChargeFailureCode,
): Promise<void> {
  const payload: EventPayload<typeof paymentShareChargeFailedV1> = {
    ...shareRef(share),
    code,
    message: FAILURE_MESSAGES[code],
    failedAt: (share.failedAt ?? share.voidedAt ?? share.createdAt).toISOString(),
  }
  await enqueue(tx, { name: paymentShareChargeFailedV1.name, payload })
}

/**
 * REFUNDED when the share went back to the wallet, VOIDED when none was taken (FAILED or VOIDED
 * shares), RELEASED when it is already the leader's (the party never asks for such a share back).
 */
async function replyRefunded(tx: PaymentTx, share: SharePayment): Promise<void> {
  const refunded = share.state === 'REFUNDED'
  const payload: EventPayload<typeof paymentShareRefundedV1> = {
    ...shareRef(share),
    outcome: refunded ? 'REFUNDED' : share.state === 'RELEASED' ? 'RELEASED' : 'VOIDED',
    refundedAmount: refunded ? share.amount : 0,
    completedAt: (share.refundedAt ?? share.voidedAt ?? share.failedAt ?? new Date()).toISOString(),
  }
  await enqueue(tx, { name: paymentShareRefundedV1.name, payload })
}
