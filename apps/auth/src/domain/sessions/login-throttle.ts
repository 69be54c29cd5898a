// Counts failed logins per account in Redis; past the limit every attempt (even with the right
// password) is refused until the window ends, so guessing cannot continue from other addresses.
import type { Redis } from 'ioredis'
import { defineError } from '@deals/service-kit'
import { sha256 } from '../crypto/opaque-token.ts'

export const TooManyAttempts = defineError(
  'TOO_MANY_ATTEMPTS',
  429,
  'Too many failed sign-in attempts; try again later',
)

export class LoginThrottle {
  constructor(
    private readonly redis: Redis,
    private readonly maxFailures: number,
    private readonly windowSeconds: number,
  ) {}

  /** The key holds a hash, so Redis never stores the e-mail address. */
  private key(email: string) {
    return `login-failures:${sha256(email)}`
  }

  async assertAllowed(email: string): Promise<void> {
    const key = this.key(email)
    const [[, count], [, ttl]] = (await this.redis.multi().get(key).ttl(key).exec()) as [
      [null, string | null],
      [null, number],
    ]
    if (Number(count ?? 0) >= this.maxFailures) {
      const retryAfter = String(ttl > 0 ? ttl : this.windowSeconds)
      throw Object.assign(TooManyAttempts(undefined, { retryAfterSeconds: Number(retryAfter) }), {
        headers: { 'retry-after': retryAfter },
      })
    }
  }

  async recordFailure(email: string): Promise<void> {
    const key = this.key(email)
    await this.redis.multi().incr(key).expire(key, this.windowSeconds, 'NX').exec()
  }

  async reset(email: string): Promise<void> {
    await this.redis.del(this.key(email))
  }
}
