// Issues the short-lived ES256 access tokens the gateway verifies against the JWKS.
import { randomUUID } from 'node:crypto'
import { SignJWT } from 'jose'
import type { Role } from '@deals/contracts'
import type { SigningKeyStore } from './signing-key-store.ts'

export interface AccessTokenSubject {
  userId: string
  roles: Role[]
  sellerId?: string | null
}

export interface AccessTokenOptions {
  issuer: string
  audience: string
  ttlSeconds: number
}

export class AccessTokens {
  constructor(
    private readonly keys: SigningKeyStore,
    private readonly options: AccessTokenOptions,
  ) {}

  async issue({
    userId,
    roles,
    sellerId,
  }: AccessTokenSubject): Promise<{ token: string; expiresIn: number }> {
    const { kid, key } = await this.keys.signer()
    const now = Math.floor(Date.now() / 1000)
    const token = await new SignJWT({ roles, ...(sellerId ? { sellerId } : {}) })
      .setProtectedHeader({ alg: 'ES256', kid, typ: 'JWT' })
      .setIssuer(this.options.issuer)
      .setAudience(this.options.audience)
      .setSubject(userId)
      .setJti(randomUUID())
      .setIssuedAt(now)
      .setExpirationTime(now + this.options.ttlSeconds)
      .sign(key)
    return { token, expiresIn: this.options.ttlSeconds }
  }
}
