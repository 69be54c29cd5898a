// Group-buy parties as their members and neighbours hear of them. Party events keep a replica of
// each party and its members (events carry no version: each membership row keeps the time of the
// event that set it, and the member lists of filled/cancelled/expired events are authoritative).
// Chat messages reach only members with no stream open anywhere, collapsed per party into one
// unread "new messages" notification that counts them.
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
    await rememberParty(tx, party)
    await setMembership(tx, party.partyId, party.memberIds, true, at)
    await tx.$executeRawUnsafe(
      `UPDATE party_members SET member = false, changed_at = $3
       WHERE party_id = $1::uuid AND NOT (user_id = ANY($2::uuid[])) AND changed_at <= $3`,
      party.partyId,
      party.memberIds,
      at,
    )
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
