// Signs the admission token of each admitted buyer and keeps it beside the admission, so asking
// again returns the same token (one `jti` per admission). The token expires with the admission:
// it is signed as of the admission's start, whole seconds, so `exp` is the slot's expiry.
import type { Redis } from 'ioredis'
import type { AdmissionSigner } from '@deals/admission'
import { dealKeys } from '../waiting-room/queue-keys.ts'

export class AdmissionTokens {
  constructor(
    private readonly redis: Redis,
    private readonly signer: AdmissionSigner,
    private readonly ttlSeconds: number,
  ) {}

  /** Signs tokens for buyers just admitted until `expiresAt` (epoch ms). */
  async issue(dealId: string, userIds: readonly string[], expiresAt: number): Promise<void> {
    const tokens = dealKeys(dealId).tokens
    await Promise.all(
      userIds.map(async (userId) =>
        this.redis.hsetnx(tokens, userId, await this.sign(dealId, userId, expiresAt)),
      ),
    )
  }

  /**
   * The token of an admitted buyer. Normally issued by the admission loop already; if that replica
   * died between admitting and signing, it is signed here, and the first stored one wins.
   */
  async tokenFor(dealId: string, userId: string, expiresAt: number): Promise<string> {
    const tokens = dealKeys(dealId).tokens
    const stored = await this.redis.hget(tokens, userId)
    if (stored) return stored
    await this.redis.hsetnx(tokens, userId, await this.sign(dealId, userId, expiresAt))
    return (await this.redis.hget(tokens, userId))!
  }

  private async sign(dealId: string, userId: string, expiresAt: number): Promise<string> {
    const now = new Date(expiresAt - this.ttlSeconds * 1000)
    return (await this.signer.sign({ userId, dealId, ttlSeconds: this.ttlSeconds, now })).token
  }
}
