// No-shows: after the meeting of a party that filled, its leader marks members who did not come.
// One penalty per member and party, however often (or concurrently) the leader sends it.
import type { PartyDb } from '../database.ts'
import {
  CannotPenalizeLeader,
  MeetingNotYet,
  NotLeader,
  PartyNotFound,
  PartyNotHeld,
  TargetNotMember,
} from '../party-errors.ts'
import type { PenaltyCounts } from './penalty-counts.ts'

export interface PenaltyView {
  id: string
  partyId: string
  userId: string
  reason: string
  createdAt: string
  /** The user's no-shows after this one. */
  count: number
}

export interface MarkedPenalty {
  penalty: PenaltyView
  /** False when the same no-show had been marked before. */
  created: boolean
}

export class PenaltyBook {
  constructor(
    private readonly db: PartyDb,
    private readonly counts: PenaltyCounts,
  ) {}

  async mark(
    leaderId: string,
    partyId: string,
    target: { userId: string; reason: string },
    now = new Date(),
  ): Promise<MarkedPenalty> {
    const party = await this.db.party.findUnique({ where: { id: partyId } })
    if (!party) throw PartyNotFound()
    if (party.leaderId !== leaderId) throw NotLeader()
    if (party.status !== 'FILLED') throw PartyNotHeld()
    if (party.meetAt.getTime() > now.getTime()) throw MeetingNotYet()
    if (target.userId === leaderId) throw CannotPenalizeLeader()
    // Membership is settled by now: nobody joins or leaves a party past its deadline.
    const member = await this.db.partyMember.count({ where: { partyId, userId: target.userId } })
    if (member === 0) throw TargetNotMember()

    const inserted = await this.db.penalty.createMany({
      data: [{ partyId, userId: target.userId, markedBy: leaderId, reason: target.reason }],
      skipDuplicates: true,
    })
    const row = await this.db.penalty.findUniqueOrThrow({
      where: { partyId_userId: { partyId, userId: target.userId } },
    })
    const count = await this.counts.refresh(target.userId)
    return {
      created: inserted.count === 1,
      penalty: {
        id: row.id,
        partyId: row.partyId,
        userId: row.userId,
        reason: row.reason,
        createdAt: row.createdAt.toISOString(),
        count,
      },
    }
  }
}
