// How many no-shows a user has, read through a Redis cache (24 h by default) in front of the
// penalties table. The cache is raised after every commit that adds a penalty, by a script that
// only ever raises it, so concurrent readers and writers leave the true (highest) count behind.
import { readFileSync } from 'node:fs'
import type { ClientContext, Redis, Result } from 'ioredis'
import type { PartyDb } from '../database.ts'

declare module 'ioredis' {
  interface RedisCommander<Context extends ClientContext = { type: 'default' }> {
    partyRaisePenaltyCount(key: string, count: number, ttlSeconds: number): Result<number, Context>
  }
}

export const penaltyCountKey = (userId: string) => `penalties:${userId}`

export class PenaltyCounts {
  constructor(
    private readonly db: PartyDb,
    private readonly redis: Redis,
    private readonly ttlSeconds: number,
  ) {
    // Defined once per connection (ioredis sends EVALSHA, and EVAL after a script cache flush).
    const command: string = 'partyRaisePenaltyCount'
    if (!(command in redis))
      redis.defineCommand(command, {
        numberOfKeys: 1,
        lua: readFileSync(new URL('./lua/raise-count.lua', import.meta.url), 'utf8'),
      })
  }

  async count(userId: string): Promise<number> {
    const cached = await this.redis.get(penaltyCountKey(userId))
    if (cached !== null) return Number(cached)
    return this.refresh(userId)
  }

  /** Counts in the database and raises the cached count to it; call after a penalty commits. */
  async refresh(userId: string): Promise<number> {
    const count = await this.db.penalty.count({ where: { userId } })
    return this.redis.partyRaisePenaltyCount(penaltyCountKey(userId), count, this.ttlSeconds)
  }
}
