// Party events written to the outbox in the transaction of the change they announce.
import type {
  partyCancelledV1,
  partyExpiredV1,
  partyFilledV1,
  partyJoinedV1,
  partyLeftV1,
} from '@deals/contracts'
import { partyCreatedV1 } from '@deals/contracts'
import { enqueue } from '@deals/messaging'
import type { Party } from '../../generated/prisma/client.ts'
import type { PartyTx } from '../database.ts'
import type { PartyWithMarket } from './party-view.ts'

export async function publishCreated(tx: PartyTx, party: PartyWithMarket): Promise<void> {
  const payload = partyCreatedV1.payload.parse({
    partyId: party.id,
    title: party.title,
    leaderId: party.leaderId,
    marketId: party.market.id,
    marketName: party.market.name,
    lat: party.market.lat,
    lng: party.market.lng,
    itemName: party.itemName,
    productId: party.productId,
    capacity: party.capacity,
    pricePerPerson: party.pricePerPerson,
    meetAt: party.meetAt.toISOString(),
    deadline: party.deadline.toISOString(),
  })
  await enqueue(tx, { name: partyCreatedV1.name, payload })
}

type MembershipEvent = typeof partyJoinedV1 | typeof partyLeftV1

/** A member joined or left; `party` is the row after the change. */
export async function publishMembership(
  tx: PartyTx,
  event: MembershipEvent,
  party: Party,
  userId: string,
): Promise<void> {
  const payload = event.payload.parse({
    partyId: party.id,
    title: party.title,
    leaderId: party.leaderId,
    userId,
    memberCount: party.memberCount,
    capacity: party.capacity,
  })
  await enqueue(tx, { name: event.name, payload })
}

type OutcomeEvent = typeof partyFilledV1 | typeof partyCancelledV1 | typeof partyExpiredV1

/** The party filled, was cancelled or expired: everyone in it at that moment is named. */
export async function publishOutcome(tx: PartyTx, event: OutcomeEvent, party: Party): Promise<void> {
  const members = await tx.partyMember.findMany({
    where: { partyId: party.id },
    orderBy: { joinedAt: 'asc' },
    select: { userId: true },
  })
  const payload = event.payload.parse({
    partyId: party.id,
    title: party.title,
    leaderId: party.leaderId,
    memberIds: members.map((m) => m.userId),
  })
  await enqueue(tx, { name: event.name, payload })
}
