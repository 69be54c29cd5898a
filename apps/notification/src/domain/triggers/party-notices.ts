// Group-buy parties as their members and neighbours hear of them. Party events keep a replica of
// each party and its members (events carry no version: each membership row keeps the time of the
// event that set it, and the member lists of filled/cancelled/expired/paid events are authoritative).
// Chat messages reach only members with no stream open anywhere, collapsed per party into one
// unread "new messages" notification that counts them. Share payments: a paid party tells every
// member (the leader, what was released), a member taken out for not paying hears why.
import type { NotificationTx } from '../database.ts'
import type { Notice, NotificationFeed } from '../feed/notification-feed.ts'
import { usersNear } from '../locations/user-locations.ts'

export interface PartyRef {
  partyId: string
  title: string
  leaderId: string
}

export interface CreatedParty extends PartyRef {
  marketId: string
  marketName: string
  lat: number
  lng: number
  itemName: string
  meetAt: string
}

export interface MembershipChange extends PartyRef {
  userId: string
  memberCount: number
  capacity: number
}

export interface RemovedMember extends MembershipChange {
  reason: string
}

export interface PaidParty extends PartyRef {
  memberIds: string[]
  roundId: string
  /** Whole won released to the leader. */
  amount: number
}

export type PartyEnding = 'filled' | 'cancelled' | 'expired'

export interface ChatMessage {
  partyId: string
  messageId: string
  senderId: string
  preview: string
}

export interface OnlineCheck {
  online(userIds: readonly string[]): Promise<Set<string>>
}

const ENDINGS: Record<PartyEnding, { title: (t: string) => string; body: string }> = {
  filled: { title: (t) => `${t} is full`, body: 'Every place is taken: see you at the market.' },
  cancelled: { title: (t) => `${t} was cancelled`, body: 'The leader cancelled the party.' },
  expired: { title: (t) => `${t} expired`, body: 'The party did not fill before its deadline.' },
}

/** Why the party service took a member out, as that member is told; an unknown reason reads plainly. */
const REMOVALS: Record<string, string> = {
  PAYMENT_FAILED: 'Your share could not be paid from your wallet, so your place was given up.',
}
const removalBody = (reason: string) => REMOVALS[reason] ?? 'The party service took you out of the party.'

export class PartyNotices {
  constructor(
    private readonly feed: NotificationFeed,
    private readonly presence: OnlineCheck,
  ) {}

  /** Tells users whose saved radius reaches the party's market. */
  async created(tx: NotificationTx, messageId: string, at: Date, party: CreatedParty): Promise<void> {
    await rememberParty(tx, party)
    await setMembership(tx, party.partyId, [party.leaderId], true, at)
    const neighbours = (await usersNear(tx, party)).filter((userId) => userId !== party.leaderId)
    await this.feed.notify(
      tx,
      neighbours.map((userId) => ({
        userId,
        kind: 'PARTY',
        sourceEventId: messageId,
        title: `New party near you: ${party.title}`,
        body: `${party.itemName} at ${party.marketName}, meeting at ${party.meetAt}.`,
        data: { partyId: party.partyId, marketId: party.marketId, event: 'created' },
      })),
    )
  }

  /** Tells the leader. */
  async joined(tx: NotificationTx, messageId: string, at: Date, change: MembershipChange): Promise<void> {
    await rememberParty(tx, change)
    await setMembership(tx, change.partyId, [change.userId], true, at)
    if (change.userId === change.leaderId) return
    await this.feed.notify(tx, [
      {
        userId: change.leaderId,
        kind: 'PARTY',
        sourceEventId: messageId,
        title: `Someone joined ${change.title}`,
        body: `${change.memberCount} of ${change.capacity} places are taken.`,
        data: { partyId: change.partyId, memberCount: change.memberCount, event: 'joined' },
      },
    ])
  }

  async left(tx: NotificationTx, at: Date, change: MembershipChange): Promise<void> {
    await rememberParty(tx, change)
    await setMembership(tx, change.partyId, [change.userId], false, at)
  }

  /** Tells the members (not the leader who cancelled) and settles the member list. */
  async ended(
    tx: NotificationTx,
    messageId: string,
    at: Date,
    ending: PartyEnding,
    party: PartyRef & { memberIds: string[] },
  ): Promise<void> {
    await settleMembers(tx, at, party)
    const told = party.memberIds.filter((id) => ending !== 'cancelled' || id !== party.leaderId)
    const { title, body } = ENDINGS[ending]
    await this.feed.notify(
      tx,
      told.map((userId): Notice => ({
        userId,
        kind: 'PARTY',
        sourceEventId: messageId,
        title: title(party.title),
        body,
        data: { partyId: party.partyId, event: ending },
      })),
    )
  }

  /** Tells the removed member why, and the leader that a place is free again. */
  async memberRemoved(
    tx: NotificationTx,
    messageId: string,
    at: Date,
    removal: RemovedMember,
  ): Promise<void> {
    await rememberParty(tx, removal)
    await setMembership(tx, removal.partyId, [removal.userId], false, at)
    const data = { partyId: removal.partyId, event: 'member-removed', reason: removal.reason }
    const notices: Notice[] = [
      {
        userId: removal.userId,
        kind: 'PARTY',
        sourceEventId: messageId,
        title: `You were removed from ${removal.title}`,
        body: removalBody(removal.reason),
        data,
      },
    ]
    if (removal.leaderId !== removal.userId)
      notices.push({
        userId: removal.leaderId,
        kind: 'PARTY',
        sourceEventId: messageId,
        title: `A member was removed from ${removal.title}`,
        body: `${removal.memberCount} of ${removal.capacity} places are taken.`,
        data: { ...data, memberCount: removal.memberCount },
      })
    await this.feed.notify(tx, notices)
  }

  /** Tells every member the party is paid for; the leader, the amount released to them. */
  async paid(tx: NotificationTx, messageId: string, at: Date, party: PaidParty): Promise<void> {
    await settleMembers(tx, at, party)
    const data = { partyId: party.partyId, roundId: party.roundId, event: 'paid' }
    await this.feed.notify(
      tx,
      party.memberIds.map((userId): Notice => ({
        userId,
        kind: 'PARTY',
        sourceEventId: messageId,
        title: `${party.title} is paid for`,
        ...(userId === party.leaderId
          ? {
              body: `Every share is in: ${party.amount.toLocaleString('en-US')} won was released to you.`,
              data: { ...data, amount: party.amount },
            }
          : { body: 'Every member paid their share: see you at the market.', data }),
      })),
    )
  }

  /** Counts the message into the unread chat notification of each offline member but the sender. */
  async messagePosted(tx: NotificationTx, messageId: string, message: ChatMessage): Promise<void> {
    const members = await tx.partyMember.findMany({
      where: { partyId: message.partyId, member: true, userId: { not: message.senderId } },
      select: { userId: true },
    })
    const online = await this.presence.online(members.map((m) => m.userId))
    const offline = members.map((m) => m.userId).filter((id) => !online.has(id))
    if (!offline.length) return
    const party = await tx.party.findUnique({ where: { id: message.partyId } })
    const name = party?.title ?? 'your party'
    await this.feed.collapse(
      tx,
      offline.map((userId) => ({
        userId,
        kind: 'CHAT',
        sourceEventId: messageId,
        collapseKey: `party-chat:${message.partyId}`,
        title: `New messages in ${name}`,
        body: message.preview,
        data: { partyId: message.partyId, lastMessageId: message.messageId },
      })),
    )
  }
}

async function rememberParty(tx: NotificationTx, party: PartyRef): Promise<void> {
  const { partyId, title, leaderId } = party
  await tx.party.upsert({
    where: { id: partyId },
    create: { id: partyId, title, leaderId },
    update: { title },
  })
}

/** The party's member list as an event carries it: everyone in it then, and no one else. */
async function settleMembers(tx: NotificationTx, at: Date, party: PartyRef & { memberIds: string[] }) {
  await rememberParty(tx, party)
  await setMembership(tx, party.partyId, party.memberIds, true, at)
  await tx.$executeRawUnsafe(
    `UPDATE party_members SET member = false, changed_at = $3
     WHERE party_id = $1::uuid AND NOT (user_id = ANY($2::uuid[])) AND changed_at <= $3`,
    party.partyId,
    party.memberIds,
    at,
  )
}

async function setMembership(
  tx: NotificationTx,
  partyId: string,
  userIds: readonly string[],
  member: boolean,
  at: Date,
): Promise<void> {
  if (!userIds.length) return
  await tx.$executeRawUnsafe(
    `INSERT INTO party_members (party_id, user_id, member, changed_at)
     SELECT $1::uuid, u, $3, $4 FROM unnest($2::uuid[]) AS u
     ON CONFLICT (party_id, user_id) DO UPDATE SET member = EXCLUDED.member, changed_at = EXCLUDED.changed_at
     WHERE party_members.changed_at <= EXCLUDED.changed_at`,
    partyId,
    [...userIds],
    member,
    at,
  )
}
