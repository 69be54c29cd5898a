// Who has a notification stream open on any replica: per user, a sorted set of their streams
// scored by when each lapses unless a heartbeat renews it. A replica that dies without closing its
// streams stops renewing them, so its users read as offline once the TTL has passed.
import type { Redis } from 'ioredis'

export interface StreamRef {
  userId: string
  streamId: string
}

const key = (userId: string) => `presence:${userId}`

export class Presence {
  constructor(
    private readonly redis: Redis,
    private readonly ttlMs: number,
  ) {}

  async enter(ref: StreamRef): Promise<void> {
    await this.renew([ref])
  }

  /** Extends the streams' presence by the TTL (called on every heartbeat). */
  async renew(refs: readonly StreamRef[]): Promise<void> {
    if (!refs.length) return
    const until = Date.now() + this.ttlMs
    const batch = this.redis.pipeline()
    for (const { userId, streamId } of refs)
      batch.zadd(key(userId), until, streamId).pexpire(key(userId), this.ttlMs)
    await batch.exec()
  }

  async leave(ref: StreamRef): Promise<void> {
    await this.redis.zrem(key(ref.userId), ref.streamId)
  }

  /** The users among `userIds` with at least one live stream. */
  async online(userIds: readonly string[]): Promise<Set<string>> {
    if (!userIds.length) return new Set()
    const now = Date.now()
    const batch = this.redis.pipeline()
    for (const userId of userIds) batch.zcount(key(userId), now, '+inf')
    const counts = (await batch.exec()) ?? []
    return new Set(userIds.filter((_, i) => Number(counts[i]?.[1] ?? 0) > 0))
  }
}
