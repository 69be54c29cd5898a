// A party's chat history: members post messages (each also published as party.message-posted.v1
// through the outbox, for members who are offline) and read them back, newest pages first.
import { partyMessagePostedV1 } from '@deals/contracts'
import { enqueue } from '@deals/messaging'
import type { PartyMessage } from '../../generated/prisma/client.ts'
import type { PartyDb, PartyTx } from '../database.ts'
import { MessageNotFound, NotMember, PartyNotFound } from '../party-errors.ts'
import type { Page } from '../parties/party-book.ts'

export const MAX_MESSAGE_LENGTH = 1000
const PREVIEW_LENGTH = 80

export interface ChatMessageView {
  id: string
  partyId: string
  senderId: string
  text: string
  sentAt: string
}

const messageView = (message: PartyMessage): ChatMessageView => ({
  id: message.id,
  partyId: message.partyId,
  senderId: message.senderId,
  text: message.text,
  sentAt: message.sentAt.toISOString(),
})

/** The first characters of a text (whole code points, so a Hangul syllable or emoji is never cut). */
const preview = (text: string) => [...text].slice(0, PREVIEW_LENGTH).join('')

export class ChatMessages {
  constructor(private readonly db: PartyDb) {}

  /** 404 for an unknown party, 403 for a user who is not in it. */
  async assertMember(partyId: string, userId: string, tx: PartyTx | PartyDb = this.db): Promise<void> {
    const member = await tx.partyMember.findUnique({ where: { partyId_userId: { partyId, userId } } })
    if (member) return
    const party = await tx.party.findUnique({ where: { id: partyId }, select: { id: true } })
    throw party ? NotMember() : PartyNotFound()
  }

  async post(partyId: string, senderId: string, text: string, now = new Date()): Promise<ChatMessageView> {
    return this.db.$transaction(async (tx) => {
      await this.assertMember(partyId, senderId, tx)
      // The time is set here to the millisecond, which the page cursor compares exactly.
      const message = await tx.partyMessage.create({ data: { partyId, senderId, text, sentAt: now } })
      await enqueue(tx, {
        name: partyMessagePostedV1.name,
        payload: partyMessagePostedV1.payload.parse({
          partyId,
          messageId: message.id,
          senderId,
          sentAt: message.sentAt.toISOString(),
          preview: preview(text),
        }),
      })
      return messageView(message)
    })
  }

  /** The latest `limit` messages, oldest first: what a member sees on opening the chat. */
  async recent(partyId: string, limit: number): Promise<ChatMessageView[]> {
    const rows = await this.db.partyMessage.findMany({
      where: { partyId },
      orderBy: [{ sentAt: 'desc' }, { id: 'desc' }],
      take: limit,
    })
    return rows.reverse().map(messageView)
  }

  /** Messages before the message `before` (or the latest), newest first; `nextCursor` is the next `before`. */
  async page(
    partyId: string,
    userId: string,
    query: { before?: string | undefined; limit: number },
  ): Promise<Page<ChatMessageView>> {
    await this.assertMember(partyId, userId)
    let olderThan: { sentAt: Date; id: string } | undefined
    if (query.before) {
      const anchor = await this.db.partyMessage.findFirst({ where: { id: query.before, partyId } })
      if (!anchor) throw MessageNotFound()
      olderThan = { sentAt: anchor.sentAt, id: anchor.id }
    }
    const rows = await this.db.partyMessage.findMany({
      where: {
        partyId,
        ...(olderThan
          ? {
              OR: [
                { sentAt: { lt: olderThan.sentAt } },
                { sentAt: olderThan.sentAt, id: { lt: olderThan.id } },
              ],
            }
          : {}),
      },
      orderBy: [{ sentAt: 'desc' }, { id: 'desc' }],
      take: query.limit + 1,
    })
    const shown = rows.slice(0, query.limit)
    return {
      items: shown.map(messageView),
      nextCursor: rows.length > query.limit ? (shown.at(-1)?.id ?? null) : null,
    }
  }
}
