// Refresh tokens in families, one per device. Each token is used once: rotating marks it used
// with a conditional update, so of two racing requests exactly one wins. Presenting a used token
// again means it was copied: the whole family is revoked, including its newest token.
import { defineError } from '@deals/service-kit'
import { newOpaqueToken, sha256 } from '../crypto/opaque-token.ts'
import type { AuthDb, AuthTx } from '../database.ts'

export const InvalidRefreshToken = defineError('INVALID_REFRESH_TOKEN', 401, 'The refresh token is not valid')
export const RefreshTokenReused = defineError(
  'REFRESH_TOKEN_REUSED',
  401,
  'This refresh token was already used; the session on this device has been ended',
)

export interface RotatedSession {
  userId: string
  refreshToken: string
}

export class RefreshSessions {
  constructor(
    private readonly db: AuthDb,
    private readonly ttlSeconds: number,
  ) {}

  /** Starts a family for the device, ending any earlier one on the same device. */
  async start(tx: AuthTx, userId: string, deviceId: string): Promise<string> {
    const now = new Date()
    await tx.sessionFamily.updateMany({
      where: { userId, deviceId, revokedAt: null },
      data: { revokedAt: now },
    })
    const family = await tx.sessionFamily.create({ data: { userId, deviceId } })
    return this.issue(tx, family.id)
  }

  async rotate(refreshToken: string): Promise<RotatedSession> {
    const tokenHash = sha256(refreshToken)
    const outcome = await this.db.$transaction(async (tx) => {
      const now = new Date()
      const claimed = await tx.refreshToken.updateMany({
        where: { tokenHash, usedAt: null },
        data: { usedAt: now },
      })
      const token = await tx.refreshToken.findUnique({ where: { tokenHash }, include: { family: true } })
      if (!token) return { error: InvalidRefreshToken() }
      if (claimed.count === 0) {
        await tx.sessionFamily.updateMany({
          where: { id: token.familyId, revokedAt: null },
          data: { revokedAt: now },
        })
        return { error: RefreshTokenReused() }
      }
      if (token.family.revokedAt || token.expiresAt <= now) return { error: InvalidRefreshToken() }
      return { session: { userId: token.family.userId, refreshToken: await this.issue(tx, token.familyId) } }
    })
    // The reuse verdict commits its revocation before answering, so it is thrown outside the transaction.
    if ('error' in outcome) throw outcome.error
    return outcome.session
  }

  /** Ends the device session the token belongs to; unknown tokens are ignored (logout is idempotent). */
  async revokeFamilyOf(refreshToken: string): Promise<void> {
    const token = await this.db.refreshToken.findUnique({ where: { tokenHash: sha256(refreshToken) } })
    if (token)
      await this.db.sessionFamily.updateMany({
        where: { id: token.familyId, revokedAt: null },
        data: { revokedAt: new Date() },
      })
  }

  async revokeAll(userId: string): Promise<void> {
    await this.db.sessionFamily.updateMany({
      where: { userId, revokedAt: null },
      data: { revokedAt: new Date() },
    })
  }

  private async issue(tx: AuthTx, familyId: string): Promise<string> {
    const token = newOpaqueToken()
    await tx.refreshToken.create({
      data: { familyId, tokenHash: sha256(token), expiresAt: new Date(Date.now() + this.ttlSeconds * 1000) },
    })
    return token
  }
}
