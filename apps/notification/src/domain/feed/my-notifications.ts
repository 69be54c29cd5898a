// A user's own feed: the list (latest change first), reading, and the catch-up reads live streams
// resume from. Another user's notification is answered as not found.
import { z } from 'zod'
import { decodeCursor, defineError, encodeCursor } from '@deals/service-kit'
import type { NotificationDb } from '../database.ts'
import { notificationView, type NotificationView } from './notification-view.ts'

export const NotificationNotFound = defineError('NOTIFICATION_NOT_FOUND', 404, 'No such notification')

export interface ListQuery {
  unread?: boolean | undefined
  limit: number
  cursor?: string | undefined
}

const cursorShape = { seq: z.number().int().positive() }

export class MyNotifications {
  constructor(private readonly db: NotificationDb) {}

  async list(
    userId: string,
    query: ListQuery,
  ): Promise<{ items: NotificationView[]; nextCursor: string | null }> {
    const before = query.cursor ? decodeCursor(query.cursor, cursorShape).seq : undefined
    const rows = await this.db.notification.findMany({
      where: {
        userId,
        ...(query.unread ? { readAt: null } : {}),
        ...(before === undefined ? {} : { seq: { lt: before } }),
      },
      orderBy: { seq: 'desc' },
      take: query.limit + 1,
    })
    const page = rows.slice(0, query.limit)
    const last = page.at(-1)
    return {
      items: page.map(notificationView),
      nextCursor: rows.length > query.limit && last ? encodeCursor({ seq: last.seq }) : null,
    }
  }

  async markRead(userId: string, id: string): Promise<NotificationView> {
    const found = await this.db.notification.findFirst({ where: { id, userId } })
    if (!found) throw NotificationNotFound()
    if (found.readAt) return notificationView(found)
    const [updated] = await this.db.notification.updateManyAndReturn({
      where: { id, userId, readAt: null },
      data: { readAt: new Date() },
    })
    return notificationView(updated ?? (await this.db.notification.findFirstOrThrow({ where: { id } })))
  }

  /** Marks every unread notification read; returns how many were. */
  async markAllRead(userId: string): Promise<number> {
    const { count } = await this.db.notification.updateMany({
      where: { userId, readAt: null },
      data: { readAt: new Date() },
    })
    return count
  }

  unreadCount(userId: string): Promise<number> {
    return this.db.notification.count({ where: { userId, readAt: null } })
  }

  /** The user's notifications changed after feed number `afterSeq`, in order: what a stream missed. */
  async since(userId: string, afterSeq: number, limit: number): Promise<NotificationView[]> {
    const rows = await this.db.notification.findMany({
      where: { userId, seq: { gt: afterSeq } },
      orderBy: { seq: 'asc' },
      take: limit,
    })
    return rows.map(notificationView)
  }

  /** The user's latest feed number (0 before the first notification): where a new stream starts. */
  async lastSeq(userId: string): Promise<number> {
    const feed = await this.db.notificationFeed.findUnique({ where: { userId } })
    return feed?.lastSeq ?? 0
  }
}
