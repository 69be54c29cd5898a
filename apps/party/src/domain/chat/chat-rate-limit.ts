// Chat messages per user per second, counted in Redis so that every replica (and every party the
// user chats in) shares one budget. A fixed one-second window: exact per window, cheap per message.
import type { Redis } from 'ioredis'

export class ChatRateLimit {
  constructor(
    private readonly redis: Redis,
    private readonly perSecond: number,
  ) {}

  /** Counts one message of `userId`; false when it is over the budget of this second. */
  async allow(userId: string, now = Date.now()): Promise<boolean> {
    const key = `chat-rate:${userId}:${Math.floor(now / 1000)}`
    const results = await this.redis.multi().incr(key).expire(key, 2).exec()
    const count = Number(results?.[0]?.[1] ?? Infinity)
    return count <= this.perSecond
  }
}
