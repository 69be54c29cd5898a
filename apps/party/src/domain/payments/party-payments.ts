// The party's share payments, a saga over the payment service's share commands: when a priced
// party fills, a payment round asks for every member's share (the leader, who is paid, has none);
// all charged -> the round is released to the leader and the party is PAID; a member who cannot
// pay is taken out, the round is abandoned and every other share refunded, and the party opens
// again. Every step runs under the party's row lock, in the transaction of the change or of the
// reply (inbox), with its commands and events through the outbox; a reply applied twice, or one
// for a round already decided, changes nothing.
import { enqueue } from '@deals/messaging'
import {
  partyExpiredV1,
  partyMemberRemovedV1,
  partyPaidV1,
  paymentShareChargeRequestedV1,
  paymentShareRefundRequestedV1,
  paymentShareReleaseRequestedV1,
  type EventPayload,
  type paymentShareChargedV1,
  type paymentShareChargeFailedV1,
  type paymentShareRefundedV1,
  type paymentShareReleasedV1,
  type ShareRefundReason,
} from '@deals/contracts'
import type { Party, PartyShare, PaymentRound } from '../../generated/prisma/client.ts'
import { PARTY_LOCK_TRANSACTION, type PartyDb, type PartyTx } from '../database.ts'
import { PartyPaid } from '../party-errors.ts'
import { publishOutcome } from '../parties/party-events.ts'

export type ShareCharged = EventPayload<typeof paymentShareChargedV1>
export type ShareChargeFailed = EventPayload<typeof paymentShareChargeFailedV1>
export type ShareRefunded = EventPayload<typeof paymentShareRefundedV1>
export type ShareReleased = EventPayload<typeof paymentShareReleasedV1>

/** What a member sees of the party's current payment round. */
export interface PaymentView {
  roundId: string
  status: PaymentRound['state']
  shares: { userId: string; amount: number; status: PartyShare['state'] }[]
}

/**
 * Told when a member was taken out, so their chats can be closed. Called inside the reply's
 * transaction: if it rolls back, the member only has to reopen the chat.
 */
export type MemberRemoved = (partyId: string, userId: string) => void

/** Takes the party's row lock for the rest of the transaction; false for an unknown party. */
export async function lockPartyRow(tx: PartyTx, partyId: string): Promise<boolean> {
  const rows = await tx.$queryRaw<
    { id: string }[]
  >`SELECT id FROM parties WHERE id = ${partyId}::uuid FOR UPDATE`
  return rows.length > 0
}

/** Starts a round for a party that just filled (in the filling transaction), if it has a price. */
export async function startRound(tx: PartyTx, party: Party): Promise<void> {
  if (party.pricePerPerson <= 0) return
  const members = await tx.partyMember.findMany({
    where: { partyId: party.id, userId: { not: party.leaderId } },
    orderBy: { joinedAt: 'asc' },
  })
  const round = await tx.paymentRound.create({
    data: {
      partyId: party.id,
      state: 'COLLECTING',
      shares: {
        create: members.map((m) => ({ userId: m.userId, amount: party.pricePerPerson, state: 'PENDING' })),
      },
    },
    include: { shares: true },
  })
  for (const share of round.shares) await requestCharge(tx, party, round, share)
}

/**
 * Before a member leaves or the leader cancels (under the party's lock): a party whose shares are
 * being or were released to the leader is refused; one still collecting abandons its round.
 */
export async function settleBeforeChange(
  tx: PartyTx,
  partyId: string,
  reason: ShareRefundReason,
): Promise<void> {
  const round = await currentRound(tx, partyId)
  if (!round) return
  if (round.state === 'RELEASING' || round.state === 'PAID') throw PartyPaid()
  if (round.state === 'COLLECTING') await abandon(tx, round, reason)
}

/** The party's latest round with its shares, for members; null when none was started. */
export async function paymentOf(tx: PartyTx, partyId: string): Promise<PaymentView | null> {
  const round = await tx.paymentRound.findFirst({
    where: { partyId },
    orderBy: { createdAt: 'desc' },
    include: { shares: { orderBy: { userId: 'asc' } } },
  })
  if (!round) return null
  return {
    roundId: round.id,
    status: round.state,
    shares: round.shares.map((s) => ({ userId: s.userId, amount: s.amount, status: s.state })),
  }
}

/** Rounds and shares resent per run of the sweep; the next run takes the rest. */
const SWEEP_BATCH = 200

export class PartyPayments {
  constructor(
    private readonly db: PartyDb,
    private readonly memberRemoved?: MemberRemoved,
  ) {}

  /**
   * Sends again the commands that have waited `olderThanMs` for an answer (a charge or refund of a
   * share, a round's release), as new messages: the payment service answers per share and round, so
   * a repeat moves no money and answers with the current outcome. Each resend re-reads the state
   * under the party's lock (a reply, or another replica's sweep, may have come first) and restarts
   * its wait.
   */
  async resendUnanswered(olderThanMs: number, now = new Date()): Promise<number> {
    const cutoff = new Date(now.getTime() - olderThanMs)
    const shares = await this.db.partyShare.findMany({
      where: { state: { in: ['PENDING', 'REFUNDING'] }, updatedAt: { lt: cutoff } },
      include: { round: { include: { party: true } } },
      orderBy: { updatedAt: 'asc' },
      take: SWEEP_BATCH,
    })
    const rounds = await this.db.paymentRound.findMany({
      where: { state: 'RELEASING', updatedAt: { lt: cutoff } },
      orderBy: { updatedAt: 'asc' },
      take: SWEEP_BATCH,
    })
    let resent = 0
    for (const { id, round } of shares)
      await this.db.$transaction(async (tx) => {
        await lockPartyRow(tx, round.partyId)
        const share = await tx.partyShare.findUniqueOrThrow({ where: { id } })
        if (share.updatedAt >= cutoff) return
        if (share.state === 'PENDING') await requestCharge(tx, round.party, round, share)
        else if (share.state === 'REFUNDING')
          await requestRefunds(tx, round, [share], 'MEMBER_PAYMENT_FAILED')
        else return
        resent++
      }, PARTY_LOCK_TRANSACTION)
    for (const { id, partyId } of rounds)
      await this.db.$transaction(async (tx) => {
        await lockPartyRow(tx, partyId)
        const round = await tx.paymentRound.findUniqueOrThrow({
          where: { id },
          include: { shares: true, party: true },
        })
        if (round.state !== 'RELEASING' || round.updatedAt >= cutoff) return
        await requestRelease(tx, round)
        resent++
      }, PARTY_LOCK_TRANSACTION)
    return resent
  }

  async charged(tx: PartyTx, reply: ShareCharged): Promise<void> {
    const share = await this.lockedShare(tx, reply)
    if (share?.state !== 'PENDING') return
    await tx.partyShare.update({ where: { id: share.id }, data: { state: 'CHARGED' } })
    const round = await tx.paymentRound.findUniqueOrThrow({
      where: { id: share.roundId },
      include: { shares: true, party: true },
    })
    if (round.state !== 'COLLECTING') {
      // Abandoned while this charge was on its way: make sure it goes back.
      return requestRefunds(tx, round, [share], 'MEMBER_PAYMENT_FAILED')
    }
    if (round.shares.some((s) => s.state !== 'CHARGED')) return
    await tx.paymentRound.update({ where: { id: round.id }, data: { state: 'RELEASING' } })
    await requestRelease(tx, round)
  }

  async chargeFailed(tx: PartyTx, reply: ShareChargeFailed): Promise<void> {
    const share = await this.lockedShare(tx, reply)
    if (share?.state !== 'PENDING' && share?.state !== 'REFUNDING') return
    await tx.partyShare.update({
      where: { id: share.id },
      data: { state: share.state === 'PENDING' ? 'FAILED' : 'VOIDED', failureCode: reply.code },
    })
    const round = await tx.paymentRound.findUniqueOrThrow({ where: { id: share.roundId } })
    if (round.state !== 'COLLECTING') return
    await abandon(tx, round, 'MEMBER_PAYMENT_FAILED')
    await this.removeMember(tx, round.partyId, share.userId)
  }

  async refunded(tx: PartyTx, reply: ShareRefunded): Promise<void> {
    const share = await this.lockedShare(tx, reply)
    if (share?.state !== 'REFUNDING' && share?.state !== 'CHARGED') return
    const state =
      reply.outcome === 'REFUNDED' ? 'REFUNDED' : reply.outcome === 'VOIDED' ? 'VOIDED' : 'RELEASED'
    await tx.partyShare.update({ where: { id: share.id }, data: { state } })
  }

  async released(tx: PartyTx, reply: ShareReleased): Promise<void> {
    if (!(await lockPartyRow(tx, reply.partyId))) return
    const round = await tx.paymentRound.findUnique({ where: { id: reply.roundId }, include: { party: true } })
    if (round?.state !== 'RELEASING') return
    const { party } = round
    await tx.paymentRound.update({ where: { id: round.id }, data: { state: 'PAID' } })
    await tx.partyShare.updateMany({
      where: { roundId: round.id, id: { in: reply.shareIds } },
      data: { state: 'RELEASED' },
    })
    const members = await tx.partyMember.findMany({
      where: { partyId: party.id },
      orderBy: { joinedAt: 'asc' },
      select: { userId: true },
    })
    const payload: EventPayload<typeof partyPaidV1> = {
      partyId: party.id,
      title: party.title,
      leaderId: party.leaderId,
      memberIds: members.map((m) => m.userId),
      roundId: round.id,
      amount: reply.amount,
    }
    await enqueue(tx, { name: partyPaidV1.name, payload })
  }

  /** The share a reply is about, with its party locked first (the order every party change takes). */
  private async lockedShare(
    tx: PartyTx,
    reply: { partyId: string; shareId: string },
  ): Promise<PartyShare | null> {
    if (!(await lockPartyRow(tx, reply.partyId))) return null
    return tx.partyShare.findUnique({ where: { id: reply.shareId } })
  }

  /**
   * Takes a member who could not pay out of the party: it opens again with one place free, or
   * expires if its deadline has passed meanwhile (nobody could join it any more).
   */
  private async removeMember(tx: PartyTx, partyId: string, userId: string): Promise<void> {
    const removed = await tx.partyMember.deleteMany({ where: { partyId, userId } })
    if (removed.count === 0) return
    const party = await tx.party.findUniqueOrThrow({ where: { id: partyId } })
    const expired = party.deadline.getTime() <= Date.now()
    const after = await tx.party.update({
      where: { id: partyId },
      data: {
        memberCount: { decrement: 1 },
        ...(party.status === 'FILLED'
          ? { status: expired ? 'EXPIRED' : 'OPEN', version: { increment: 1 } }
          : {}),
      },
    })
    const payload: EventPayload<typeof partyMemberRemovedV1> = {
      partyId,
      title: after.title,
      leaderId: after.leaderId,
      userId,
      memberCount: after.memberCount,
      capacity: after.capacity,
      reason: 'PAYMENT_FAILED',
    }
    await enqueue(tx, { name: partyMemberRemovedV1.name, payload })
    if (after.status === 'EXPIRED' && party.status !== 'EXPIRED')
      await publishOutcome(tx, partyExpiredV1, after)
    this.memberRemoved?.(partyId, userId)
  }
}

async function currentRound(tx: PartyTx, partyId: string): Promise<PaymentRound | null> {
  return tx.paymentRound.findFirst({ where: { partyId }, orderBy: { createdAt: 'desc' } })
}

/** The round is given up: every share not known to have failed is refunded (or voided if not yet charged). */
async function abandon(tx: PartyTx, round: PaymentRound, reason: ShareRefundReason): Promise<void> {
  await tx.paymentRound.update({ where: { id: round.id }, data: { state: 'ABANDONED' } })
  const shares = await tx.partyShare.findMany({
    where: { roundId: round.id, state: { in: ['PENDING', 'CHARGED'] } },
  })
  await requestRefunds(tx, round, shares, reason)
}

/** Sends (or sends again) the share's charge command; a resend restarts the share's wait. */
async function requestCharge(
  tx: PartyTx,
  party: Party,
  round: PaymentRound,
  share: PartyShare,
): Promise<void> {
  await tx.partyShare.update({ where: { id: share.id }, data: { updatedAt: new Date() } })
  const payload: EventPayload<typeof paymentShareChargeRequestedV1> = {
    shareId: share.id,
    roundId: round.id,
    partyId: party.id,
    userId: share.userId,
    leaderId: party.leaderId,
    amount: share.amount,
    requestedAt: new Date().toISOString(),
  }
  await enqueue(tx, { name: paymentShareChargeRequestedV1.name, payload })
}

async function requestRelease(tx: PartyTx, round: PaymentRound & { party: Party; shares: PartyShare[] }) {
  await tx.paymentRound.update({ where: { id: round.id }, data: { updatedAt: new Date() } })
  const payload: EventPayload<typeof paymentShareReleaseRequestedV1> = {
    roundId: round.id,
    partyId: round.partyId,
    leaderId: round.party.leaderId,
    shareIds: round.shares.map((s) => s.id),
    requestedAt: new Date().toISOString(),
  }
  await enqueue(tx, { name: paymentShareReleaseRequestedV1.name, payload })
}

async function requestRefunds(
  tx: PartyTx,
  round: PaymentRound,
  shares: PartyShare[],
  reason: ShareRefundReason,
): Promise<void> {
  const requestedAt = new Date().toISOString()
  for (const share of shares) {
    await tx.partyShare.update({ where: { id: share.id }, data: { state: 'REFUNDING' } })
    const payload: EventPayload<typeof paymentShareRefundRequestedV1> = {
      shareId: share.id,
      roundId: round.id,
      partyId: round.partyId,
      userId: share.userId,
      reason,
      requestedAt,
    }
    await enqueue(tx, { name: paymentShareRefundRequestedV1.name, payload })
  }
}
