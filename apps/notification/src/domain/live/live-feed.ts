// Live delivery of notifications to the streams open on this replica, whichever replica wrote
// them: each committed notification is published on its user's Redis channel, and a replica
// subscribes to a user's channel while it holds a stream of theirs. A stream remembers the last
// feed number it sent; the next number is sent straight from the message, anything else (a
// resume with Last-Event-ID, a gap, messages racing a catch-up) is read from PostgreSQL in feed
// order. Feed numbers follow commit order per user, so this neither skips nor repeats.
import { randomUUID } from 'node:crypto'
import type { Redis } from 'ioredis'
import type { Notification } from '../../generated/prisma/client.ts'
import { notificationView, type NotificationView } from '../feed/notification-view.ts'
import type { Presence } from './presence.ts'

export type LiveEvent = { type: 'notification'; notification: NotificationView } | { type: 'heartbeat' }

export interface StreamTarget {
  send(event: LiveEvent): void
  /** Ends the response; the client reconnects with its Last-Event-ID. */
  end(): void
}

export interface FeedReader {
  since(userId: string, afterSeq: number, limit: number): Promise<NotificationView[]>
  lastSeq(userId: string): Promise<number>
}

export interface LiveLog {
  warn(obj: object, msg: string): void
}

interface Stream {
  id: string
  userId: string
  target: StreamTarget
  lastSeq: number
  ready: boolean
  catchingUp: boolean
  /** A message came while the stream could not take it: read the database again. */
  behind: boolean
  closed: boolean
}

const CATCH_UP_BATCH = 200

export class LiveFeed {
  private readonly byUser = new Map<string, Set<Stream>>()
  private readonly subscriptions = new Map<string, Promise<unknown>>()
  private heartbeat: NodeJS.Timeout | undefined

  constructor(
    private readonly publisher: Redis,
    private readonly subscriber: Redis,
    private readonly reader: FeedReader,
    private readonly presence: Presence,
    private readonly log: LiveLog,
    private readonly options: { channelPrefix: string; heartbeatMs: number },
  ) {}

  /** Streams open on this replica. */
  get size(): number {
    let n = 0
    for (const streams of this.byUser.values()) n += streams.size
    return n
  }

  start(): void {
    this.subscriber.on('message', (channel: string, message: string) => this.received(channel, message))
    this.heartbeat = setInterval(() => void this.beat(), this.options.heartbeatMs)
  }

  /** Ends every stream (clients reconnect, to another replica if this one is going away). */
  async stop(): Promise<void> {
    clearInterval(this.heartbeat)
    const streams = [...this.byUser.values()].flatMap((s) => [...s])
    await Promise.all(
      streams.map((s) => {
        s.target.end()
        return this.close(s)
      }),
    )
  }

  /** Publishes rows that just committed to their users' channels. */
  async publish(rows: readonly Notification[]): Promise<void> {
    const batch = this.publisher.pipeline()
    for (const row of rows) batch.publish(this.channel(row.userId), JSON.stringify(notificationView(row)))
    await batch.exec()
  }

  /**
   * Starts a stream: after `lastEventId` when given (what was missed is sent first), else from now.
   * Returns the function that closes it.
   */
  async open(userId: string, lastEventId: number | undefined, target: StreamTarget): Promise<() => void> {
    const stream: Stream = {
      id: randomUUID(),
      userId,
      target,
      lastSeq: 0,
      ready: false,
      catchingUp: false,
      behind: false,
      closed: false,
    }
    let streams = this.byUser.get(userId)
    if (!streams) {
      streams = new Set()
      this.byUser.set(userId, streams)
      this.subscriptions.set(userId, this.subscriber.subscribe(this.channel(userId)))
    }
    streams.add(stream)
    const close = () => void this.close(stream)
    try {
      // Subscribed before reading where to start: nothing committed after that read is missed.
      await this.subscriptions.get(userId)
      await this.presence.enter({ userId, streamId: stream.id })
      // An id beyond the feed (a client that kept it across a data reset) would silence the stream.
      const latest = await this.reader.lastSeq(userId)
      stream.lastSeq = lastEventId === undefined ? latest : Math.min(lastEventId, latest)
      stream.ready = true
      if (lastEventId !== undefined || stream.behind) void this.catchUp(stream)
    } catch (err) {
      close()
      throw err
    }
    return close
  }

  private channel(userId: string): string {
    return `${this.options.channelPrefix}live:${userId}`
  }

  private received(channel: string, message: string): void {
    const prefix = `${this.options.channelPrefix}live:`
    if (!channel.startsWith(prefix)) return
    const streams = this.byUser.get(channel.slice(prefix.length))
    if (!streams) return
    let notification: NotificationView
    try {
      notification = JSON.parse(message) as NotificationView
    } catch {
      return
    }
    for (const stream of streams) this.offer(stream, notification)
  }

  private offer(stream: Stream, notification: NotificationView): void {
    if (stream.closed) return
    if (!stream.ready || stream.catchingUp) {
      stream.behind = true
      return
    }
    if (notification.seq <= stream.lastSeq) return
    if (notification.seq === stream.lastSeq + 1) this.send(stream, notification)
    else void this.catchUp(stream)
  }

  private async catchUp(stream: Stream): Promise<void> {
    if (stream.catchingUp) {
      stream.behind = true
      return
    }
    stream.catchingUp = true
    try {
      do {
        stream.behind = false
        for (;;) {
          const missed = await this.reader.since(stream.userId, stream.lastSeq, CATCH_UP_BATCH)
          for (const notification of missed) if (!stream.closed) this.send(stream, notification)
          if (missed.length < CATCH_UP_BATCH || stream.closed) break
        }
      } while (stream.behind && !stream.closed)
    } catch (err) {
      this.log.warn({ err }, 'stream catch-up failed; ending the stream so that the client resumes')
      stream.target.end()
      await this.close(stream)
    } finally {
      stream.catchingUp = false
    }
  }

  private send(stream: Stream, notification: NotificationView): void {
    stream.lastSeq = notification.seq
    stream.target.send({ type: 'notification', notification })
  }

  private async beat(): Promise<void> {
    const refs: { userId: string; streamId: string }[] = []
    for (const streams of this.byUser.values())
      for (const stream of streams) {
        stream.target.send({ type: 'heartbeat' })
        refs.push({ userId: stream.userId, streamId: stream.id })
      }
    await this.presence.renew(refs).catch((err: unknown) => this.log.warn({ err }, 'presence renewal failed'))
  }

  private async close(stream: Stream): Promise<void> {
    if (stream.closed) return
    stream.closed = true
    const streams = this.byUser.get(stream.userId)
    streams?.delete(stream)
    if (streams && !streams.size) {
      this.byUser.delete(stream.userId)
      this.subscriptions.delete(stream.userId)
      await this.subscriber.unsubscribe(this.channel(stream.userId)).catch(() => {})
    }
    await this.presence.leave({ userId: stream.userId, streamId: stream.id }).catch(() => {})
  }
}
