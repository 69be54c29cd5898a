// Events published by the party service about group-buy parties, for the notification service
// (nearby parties, joins, fills, cancellations, chat while offline) and anyone else who follows them.
import { z } from 'zod'
import { defineEvent } from './envelope.ts'

const partyRef = {
  partyId: z.uuid(),
  title: z.string(),
  leaderId: z.uuid(),
}

/** A new party, with its market's point so that nearby users can be found. */
export const partyCreatedV1 = defineEvent(
  'party.created.v1',
  z.object({
    ...partyRef,
    marketId: z.uuid(),
    marketName: z.string(),
    lat: z.number().min(-90).max(90),
    lng: z.number().min(-180).max(180),
    itemName: z.string(),
    productId: z.uuid().nullable(),
    capacity: z.number().int().positive(),
    pricePerPerson: z.number().int().nonnegative(),
    meetAt: z.iso.datetime(),
    deadline: z.iso.datetime(),
  }),
)

const membershipChange = z.object({
  ...partyRef,
  userId: z.uuid(),
  /** Members including the leader, after the change. */
  memberCount: z.number().int().nonnegative(),
  capacity: z.number().int().positive(),
})

export const partyJoinedV1 = defineEvent('party.joined.v1', membershipChange)
export const partyLeftV1 = defineEvent('party.left.v1', membershipChange)

/** A party at an end of its life (or filled), with everyone who was in it at that moment. */
const partyWithMembers = z.object({ ...partyRef, memberIds: z.array(z.uuid()) })

export const partyFilledV1 = defineEvent('party.filled.v1', partyWithMembers)
export const partyCancelledV1 = defineEvent('party.cancelled.v1', partyWithMembers)
export const partyExpiredV1 = defineEvent('party.expired.v1', partyWithMembers)

/** A chat message; small on purpose (the notification service collapses these for offline members). */
export const partyMessagePostedV1 = defineEvent(
  'party.message-posted.v1',
  z.object({
    partyId: z.uuid(),
    messageId: z.uuid(),
    senderId: z.uuid(),
    sentAt: z.iso.datetime(),
    /** The first 80 characters of the text. */
    preview: z.string().max(80),
  }),
)

export const PARTY_EVENTS = [
  partyCreatedV1,
  partyJoinedV1,
  partyLeftV1,
  partyFilledV1,
  partyCancelledV1,
  partyExpiredV1,
  partyMessagePostedV1,
] as const

// Share payments of a filled party (each member pays their share from their wallet, released to
// the leader once all are in). Kept out of PARTY_EVENTS, which existing consumers subscribe to whole.

/** A member was taken out of the party by the service (not by their own leave). */
export const PARTY_REMOVAL_REASONS = ['PAYMENT_FAILED'] as const

export const partyMemberRemovedV1 = defineEvent(
  'party.member-removed.v1',
  membershipChange.extend({ reason: z.enum(PARTY_REMOVAL_REASONS) }),
)

/** Every member paid their share and the shares were released to the leader. */
export const partyPaidV1 = defineEvent(
  'party.paid.v1',
  partyWithMembers.extend({
    roundId: z.uuid(),
    /** Whole won released to the leader. */
    amount: z.number().int().nonnegative(),
  }),
)

export const PARTY_PAYMENT_EVENTS = [partyMemberRemovedV1, partyPaidV1] as const
