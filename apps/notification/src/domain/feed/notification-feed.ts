// Writes notifications into users' feeds, in the caller's transaction: on the channels each user
// chose for the kind (in-app row, e-mail job), once per (user, cause, kind). Each written row takes
// the next number of its user's feed counter; the counter row stays locked until commit, so one
// user's numbers are handed out in commit order, which is what lets a stream resume from an SSE
// event id without gaps. Users are locked in id order, so two fan-outs never deadlock.
import type { Notification, NotificationKind, Prisma } from '../../generated/prisma/client.ts'
import type { NotificationTx } from '../database.ts'
import { channelsFor, type Channels } from '../preferences/preferences.ts'
import type { FeedTransactions } from './feed-transactions.ts'

export interface Notice {
  userId: string
  kind: NotificationKind
  /** The cause: an event's message id, a reminder's key. */
  sourceEventId: string
  title: string
  body: string
  data?: Record<string, unknown>
}

/** A notice that folds into the user's unread notification with the same key, counting up. */
export interface CollapsingNotice extends Notice {
  collapseKey: string
}

export interface EmailQueue {
  /** Schedules the e-mail of `notice` in `tx`; the same notice is queued once. */
  enqueue(tx: NotificationTx, notice: Notice): Promise<void>
}

export class NotificationFeed {
  constructor(
    private readonly transactions: FeedTransactions,
    private readonly email: EmailQueue,
  ) {}

  /** Opens a transaction whose notifications go live when it commits. */
  transaction<R>(fn: (tx: NotificationTx) => Promise<R>): Promise<R> {
    return this.transactions.$transaction(fn, { maxWait: 10_000, timeout: 60_000 })
  }

  /** Notifies each notice's user; returns the in-app notifications written. */
  async notify(tx: NotificationTx, notices: readonly Notice[]): Promise<Notification[]> {
    const channels = await channelsOf(tx, notices)
    const inApp = sortedByUser(notices.filter((n) => channels(n).inApp))
    let rows: Notification[] = []
    if (inApp.length) {
      const seqs = await nextSeqs(tx, inApp)
      rows = await tx.notification.createManyAndReturn({
        data: inApp.map((n, i) => row(n, seqs[i]!)),
        skipDuplicates: true,
      })
      this.transactions.wrote(tx, rows)
    }
    for (const notice of notices) if (channels(notice).email) await this.email.enqueue(tx, notice)
    return rows
  }

  /**
   * Folds each notice into its user's unread notification of the same key (count + 1, the latest
   * text, a new sequence so streams send it again), or starts one. Only a new one is e-mailed, and
   * only to users who also keep in-app notifications of the kind: one mail per unread batch.
   */
  async collapse(tx: NotificationTx, notices: readonly CollapsingNotice[]): Promise<Notification[]> {
    const channels = await channelsOf(tx, notices)
    const inApp = sortedByUser(notices.filter((n) => channels(n).inApp))
    if (!inApp.length) return []
    const seqs = await nextSeqs(tx, inApp)
    const rows: Notification[] = []
    for (const [i, notice] of inApp.entries()) {
      const { userId, collapseKey, title, body, data } = notice
      const [bumped] = await tx.notification.updateManyAndReturn({
        where: { userId, collapseKey, readAt: null },
        data: { count: { increment: 1 }, seq: seqs[i]!, title, body, data: jsonOf(data) },
        limit: 1,
      })
      if (bumped) {
        rows.push(bumped)
        continue
      }
      const created = await tx.notification.createManyAndReturn({
        data: [{ ...row(notice, seqs[i]!), collapseKey }],
        skipDuplicates: true,
      })
      rows.push(...created)
      if (created.length && channels(notice).email) await this.email.enqueue(tx, notice)
    }
    this.transactions.wrote(tx, rows)
    return rows
  }
}

const row = (n: Notice, seq: number): Prisma.NotificationCreateManyInput => ({
  userId: n.userId,
  kind: n.kind,
  sourceEventId: n.sourceEventId,
  title: n.title,
  body: n.body,
  data: jsonOf(n.data),
  seq,
})

const jsonOf = (data: Record<string, unknown> | undefined) => (data ?? {}) as Prisma.InputJsonObject

const sortedByUser = <N extends Notice>(notices: readonly N[]): N[] =>
  [...notices].sort((a, b) => (a.userId < b.userId ? -1 : a.userId > b.userId ? 1 : 0))

async function channelsOf(tx: NotificationTx, notices: readonly Notice[]) {
  const byKind = new Map<NotificationKind, Map<string, Channels>>()
  for (const kind of new Set(notices.map((n) => n.kind)))
    byKind.set(
      kind,
      await channelsFor(
        tx,
        notices.filter((n) => n.kind === kind).map((n) => n.userId),
        kind,
      ),
    )
  return (n: Notice): Channels => byKind.get(n.kind)!.get(n.userId)!
}

/**
 * Takes the next feed numbers for `notices` (sorted by user), one per notice, locking each user's
 * counter row until commit.
 */
async function nextSeqs(tx: NotificationTx, notices: readonly Notice[]): Promise<number[]> {
  const wanted = new Map<string, number>()
  for (const { userId } of notices) wanted.set(userId, (wanted.get(userId) ?? 0) + 1)
  const users = [...wanted.keys()]
  const counters = await tx.$queryRawUnsafe<{ user_id: string; last_seq: number }[]>(
    `INSERT INTO notification_feeds (user_id, last_seq)
     SELECT u, n FROM unnest($1::uuid[], $2::int[]) AS wanted(u, n)
     ON CONFLICT (user_id) DO UPDATE SET last_seq = notification_feeds.last_seq + EXCLUDED.last_seq
     RETURNING user_id::text, last_seq`,
    users,
    users.map((u) => wanted.get(u)!),
  )
  const next = new Map(counters.map((c) => [c.user_id, c.last_seq - wanted.get(c.user_id)! + 1]))
  return notices.map((n) => {
    const seq = next.get(n.userId)!
    next.set(n.userId, seq + 1)
    return seq
  })
}
