// The life of a party: a buyer creates it at a market and leads it; others join until it fills,
// leave before the deadline, the leader may cancel it before the meeting. Every change takes the
// party's row lock first, so concurrent joins for the last places are decided one at a time and a
// party never holds more members than its capacity.
import { partyCancelledV1, partyFilledV1, partyJoinedV1, partyLeftV1 } from '@deals/contracts'
import { decodeCursor, encodeCursor } from '@deals/service-kit'
import { z } from 'zod'
import type { Party } from '../../generated/prisma/client.ts'
import { PARTY_LOCK_TRANSACTION, type PartyDb, type PartyTx } from '../database.ts'
import {
  AlreadyMember,
  DeadlinePassed,
  LeaderCannotLeave,
  MarketNotFound,
  MeetingPassed,
  NotLeader,
  NotMember,
  PartyCancelled,
  PartyExpired,
  PartyFull,
  PartyNotFound,
  TooManyPenalties,
} from '../party-errors.ts'
import {
  lockPartyRow,
  paymentOf,
  settleBeforeChange,
  startRound,
  type PaymentView,
} from '../payments/party-payments.ts'
import { checkPartyTimes } from './party-terms.ts'
import type { PartyExpiry } from './party-expiry.ts'
import { publishCreated, publishMembership, publishOutcome } from './party-events.ts'
import { partyView, type PartyView, type PartyWithMarket } from './party-view.ts'

export interface NewParty {
  marketId: string
  title: string
  /** Free text or an item master name; for a product, its name as the creator gave it. */
  itemName: string
  productId?: string | undefined
  capacity: number
  pricePerPerson: number
  meetAt: Date
  deadline: Date
}

export interface PartyPolicy {
  /** A user's no-shows (read through the cache). */
  penaltyCount(userId: string): Promise<number>
  maxPenalties: number
  /** Told after commit when members are no longer in a party, so their chats can be closed. */
  membersLeft?(partyId: string, userIds: string[]): void
}

export interface Page<T> {
  items: T[]
  nextCursor: string | null
}

const mineCursorShape = { joinedAt: z.iso.datetime(), partyId: z.uuid() }

export class PartyBook {
  constructor(
    private readonly db: PartyDb,
    private readonly expiry: PartyExpiry,
    private readonly policy: PartyPolicy,
  ) {}

  async create(leaderId: string, input: NewParty, now = new Date()): Promise<PartyView> {
    checkPartyTimes(input, now)
    await this.refuseIfPenalized(leaderId)
    return this.db.$transaction(async (tx) => {
      const market = await tx.market.findUnique({ where: { id: input.marketId } })
      if (!market) throw MarketNotFound()
      const party = await tx.party.create({
        data: {
          marketId: market.id,
          leaderId,
          title: input.title,
          itemName: input.itemName,
          productId: input.productId ?? null,
          capacity: input.capacity,
          pricePerPerson: input.pricePerPerson,
          meetAt: input.meetAt,
          deadline: input.deadline,
          memberCount: 1,
          // Set here, not by the database: the list cursor keeps it to the millisecond.
          members: { create: { userId: leaderId, joinedAt: now } },
        },
        include: { market: true },
      })
      await publishCreated(tx, party)
      await this.expiry.schedule(tx, party)
      return partyView(party)
    })
  }

  /** The party; its members (`viewerId`) also see its payment round and shares. */
  async get(partyId: string, viewerId?: string): Promise<PartyView & { payment?: PaymentView | null }> {
    const party = await this.db.party.findUnique({ where: { id: partyId }, include: { market: true } })
    if (!party) throw PartyNotFound()
    if (!viewerId || !(await isMember(this.db, partyId, viewerId))) return partyView(party)
    return { ...partyView(party), payment: await paymentOf(this.db, partyId) }
  }

  async join(userId: string, partyId: string, now = new Date()): Promise<PartyView> {
    await this.refuseIfPenalized(userId)
    return this.db.$transaction(async (tx) => {
      const party = await lockParty(tx, partyId)
      refuseIfClosed(party)
      if (await isMember(tx, partyId, userId)) throw AlreadyMember()
      if (party.status === 'FILLED' || party.memberCount >= party.capacity) throw PartyFull()
      if (party.deadline.getTime() <= now.getTime()) throw DeadlinePassed()

      await tx.partyMember.create({ data: { partyId, userId, joinedAt: now } })
      const fills = party.memberCount + 1 === party.capacity
      const joined = await tx.party.update({
        where: { id: partyId },
        data: {
          memberCount: { increment: 1 },
          ...(fills ? { status: 'FILLED', version: { increment: 1 } } : {}),
        },
        include: { market: true },
      })
      await publishMembership(tx, partyJoinedV1, joined, userId)
      if (fills) {
        await publishOutcome(tx, partyFilledV1, joined)
        await startRound(tx, joined)
      }
      return partyView(joined)
    }, PARTY_LOCK_TRANSACTION)
  }

  async leave(userId: string, partyId: string, now = new Date()): Promise<PartyView> {
    const left = await this.db.$transaction(async (tx) => {
      const party = await lockParty(tx, partyId)
      if (party.leaderId === userId) throw LeaderCannotLeave()
      if (!(await isMember(tx, partyId, userId))) throw NotMember()
      refuseIfClosed(party)
      if (party.deadline.getTime() <= now.getTime()) throw DeadlinePassed()
      if (party.status === 'FILLED') await settleBeforeChange(tx, partyId, 'MEMBER_LEFT')

      await tx.partyMember.delete({ where: { partyId_userId: { partyId, userId } } })
      const reopens = party.status === 'FILLED'
      const after = await tx.party.update({
        where: { id: partyId },
        data: {
          memberCount: { decrement: 1 },
          ...(reopens ? { status: 'OPEN', version: { increment: 1 } } : {}),
        },
        include: { market: true },
      })
      await publishMembership(tx, partyLeftV1, after, userId)
      return after
    }, PARTY_LOCK_TRANSACTION)
    this.policy.membersLeft?.(partyId, [userId])
    return partyView(left)
  }

  async cancel(userId: string, partyId: string, now = new Date()): Promise<PartyView> {
    return this.db.$transaction(async (tx) => {
      const party = await lockParty(tx, partyId)
      if (party.leaderId !== userId) throw NotLeader()
      refuseIfClosed(party)
      if (party.meetAt.getTime() <= now.getTime()) throw MeetingPassed()
      if (party.status === 'FILLED') await settleBeforeChange(tx, partyId, 'PARTY_CANCELLED')
      const cancelled = await tx.party.update({
        where: { id: partyId },
        data: { status: 'CANCELLED', version: { increment: 1 } },
        include: { market: true },
      })
      await publishOutcome(tx, partyCancelledV1, cancelled)
      return partyView(cancelled)
    }, PARTY_LOCK_TRANSACTION)
  }

  /** The parties `userId` is in (leading or joined), the latest joined first. */
  async mine(userId: string, page: { limit: number; cursor?: string | undefined }): Promise<Page<PartyView>> {
    const after = page.cursor ? decodeCursor(page.cursor, mineCursorShape) : undefined
    const at = after && new Date(after.joinedAt)
    const rows = await this.db.partyMember.findMany({
      where: {
        userId,
        ...(after && at
          ? { OR: [{ joinedAt: { lt: at } }, { joinedAt: at, partyId: { lt: after.partyId } }] }
          : {}),
      },
      orderBy: [{ joinedAt: 'desc' }, { partyId: 'desc' }],
      take: page.limit + 1,
      include: { party: { include: { market: true } } },
    })
    const shown = rows.slice(0, page.limit)
    const last = shown.at(-1)
    return {
      items: shown.map((row) => partyView(row.party)),
      nextCursor:
        rows.length > page.limit && last
          ? encodeCursor({ joinedAt: last.joinedAt.toISOString(), partyId: last.partyId })
          : null,
    }
  }

  private async refuseIfPenalized(userId: string): Promise<void> {
    if ((await this.policy.penaltyCount(userId)) >= this.policy.maxPenalties) throw TooManyPenalties()
  }
}

/** Takes the party's row lock for the rest of the transaction, then reads it. */
async function lockParty(tx: PartyTx, partyId: string): Promise<PartyWithMarket> {
  if (!(await lockPartyRow(tx, partyId))) throw PartyNotFound()
  return tx.party.findUniqueOrThrow({ where: { id: partyId }, include: { market: true } })
}

function refuseIfClosed(party: Party): void {
  if (party.status === 'CANCELLED') throw PartyCancelled()
  if (party.status === 'EXPIRED') throw PartyExpired()
}

async function isMember(tx: PartyTx | PartyDb, partyId: string, userId: string): Promise<boolean> {
  return (await tx.partyMember.count({ where: { partyId, userId } })) > 0
}
