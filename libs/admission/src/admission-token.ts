// Admission tokens: what the waiting room (queue service) gives a buyer it lets in, and what the
// order service demands on a deal with `queueRequired`. A compact JWT (HS256, a secret shared by
// those two services only): audience `order`, subject the buyer, the deal id, a short expiry and a
// unique `jti` that the order service's reservation script accepts once.
import { randomUUID } from 'node:crypto'
import { errors, jwtVerify, SignJWT } from 'jose'

export const ADMISSION_ISSUER = 'deals-queue'
export const ADMISSION_AUDIENCE = 'order'

export interface AdmissionClaims {
  userId: string
  dealId: string
  /** Unique per admission: the order service records it as used. */
  jti: string
  expiresAt: Date
}

export type AdmissionFailure = 'MISSING' | 'EXPIRED' | 'INVALID' | 'WRONG_DEAL' | 'WRONG_USER'

export class AdmissionTokenError extends Error {
  override name = 'AdmissionTokenError'
  constructor(readonly reason: AdmissionFailure) {
    super(`admission token refused: ${reason.toLowerCase().replace('_', ' ')}`)
  }
}

const keyOf = (secret: string) => {
  if (Buffer.byteLength(secret) < 32) throw new Error('an admission token secret needs at least 32 bytes')
  return new TextEncoder().encode(secret)
}

export interface AdmissionSigner {
  sign(input: { userId: string; dealId: string; ttlSeconds: number; now?: Date }): Promise<{
    token: string
    claims: AdmissionClaims
  }>
}

export function createAdmissionSigner(secret: string): AdmissionSigner {
  const key = keyOf(secret)
  return {
    async sign({ userId, dealId, ttlSeconds, now = new Date() }) {
      const issuedAt = Math.floor(now.getTime() / 1000)
      const jti = randomUUID()
      const token = await new SignJWT({ dealId })
        .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
        .setIssuer(ADMISSION_ISSUER)
        .setAudience(ADMISSION_AUDIENCE)
        .setSubject(userId)
        .setJti(jti)
        .setIssuedAt(issuedAt)
        .setExpirationTime(issuedAt + ttlSeconds)
        .sign(key)
      return { token, claims: { userId, dealId, jti, expiresAt: new Date((issuedAt + ttlSeconds) * 1000) } }
    },
  }
}

export interface AdmissionVerifier {
  /** Checks signature, issuer, audience, expiry, deal and buyer; the one-use check is the caller's. */
  verify(
    token: string | undefined,
    expected: { userId: string; dealId: string; now?: Date },
  ): Promise<AdmissionClaims>
}

/** `secrets`: the current secret first, then any previous one still accepted during a rotation. */
export function createAdmissionVerifier(secrets: readonly string[]): AdmissionVerifier {
  const keys = secrets.map(keyOf)
  if (keys.length === 0) throw new Error('at least one admission token secret is required')
  return {
    async verify(token, { userId, dealId, now }) {
      if (!token) throw new AdmissionTokenError('MISSING')
      for (const key of keys) {
        try {
          const { payload } = await jwtVerify(token, key, {
            algorithms: ['HS256'],
            issuer: ADMISSION_ISSUER,
            audience: ADMISSION_AUDIENCE,
            requiredClaims: ['sub', 'jti', 'exp'],
            ...(now ? { currentDate: now } : {}),
          })
          if (payload['dealId'] !== dealId) throw new AdmissionTokenError('WRONG_DEAL')
          if (payload.sub !== userId) throw new AdmissionTokenError('WRONG_USER')
          return { userId, dealId, jti: payload.jti!, expiresAt: new Date(payload.exp! * 1000) }
        } catch (error) {
          if (error instanceof AdmissionTokenError) throw error
          if (error instanceof errors.JWTExpired) throw new AdmissionTokenError('EXPIRED')
          if (error instanceof errors.JWSSignatureVerificationFailed) continue
          throw new AdmissionTokenError('INVALID')
        }
      }
      throw new AdmissionTokenError('INVALID')
    },
  }
}
