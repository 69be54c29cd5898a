// Verifies a bearer JWT (ES256 only, `exp` required, issuer and audience checked) and remembers
// verified tokens until they expire: a buyer retrying with the same token costs a hash and a
// lookup instead of an ES256 verification. A cached token dies with its signing key.
import { createHash } from 'node:crypto'
import { errors, jwtVerify, type JWTPayload } from 'jose'
import { LRUCache } from 'lru-cache'
import { identitySchema, type Identity } from '@deals/contracts'
import type { JwksStore } from './jwks-store.ts'
import { InvalidToken, TokenExpired } from './auth-errors.ts'

export interface TokenVerifierOptions {
  issuer: string
  audience: string
  cacheSize: number
  onCacheLookup?: (hit: boolean) => void
}

interface VerifiedToken {
  identity: Identity
  kid: string | undefined
  expiresAt: number
}

const hashOf = (token: string) => createHash('sha256').update(token).digest('base64url')

/** The claims auth puts in an access token: `sub`, `roles` and, for sellers, `sellerId`. */
function identityFrom(payload: JWTPayload): Identity {
  const parsed = identitySchema.safeParse({
    userId: payload.sub,
    roles: payload.roles,
    ...(payload.sellerId === undefined ? {} : { sellerId: payload.sellerId }),
  })
  if (!parsed.success) throw InvalidToken('The access token does not carry a valid identity')
  return parsed.data
}

export class TokenVerifier {
  readonly #cache: LRUCache<string, VerifiedToken> | undefined

  constructor(
    private readonly jwks: JwksStore,
    private readonly options: TokenVerifierOptions,
  ) {
    if (options.cacheSize > 0) this.#cache = new LRUCache({ max: options.cacheSize })
  }

  async verify(token: string): Promise<Identity> {
    if (!this.#cache) return identityFrom((await this.#verifySignature(token)).payload)
    const key = hashOf(token)
    const cached = this.#cache.get(key)
    if (cached && cached.expiresAt > Date.now() && this.jwks.hasKid(cached.kid)) {
      this.options.onCacheLookup?.(true)
      return cached.identity
    }
    if (cached) this.#cache.delete(key)
    this.options.onCacheLookup?.(false)

    const { payload, protectedHeader } = await this.#verifySignature(token)
    const identity = identityFrom(payload)
    const expiresAt = payload.exp! * 1000
    this.#cache.set(
      key,
      { identity, kid: protectedHeader.kid, expiresAt },
      { ttl: Math.max(1, expiresAt - Date.now()) },
    )
    return identity
  }

  async #verifySignature(token: string) {
    try {
      return await this.#jwtVerify(token)
    } catch (error) {
      if (
        error instanceof errors.JWKSNoMatchingKey &&
        (await this.jwks.reloadForUnknownKid().catch(() => false))
      ) {
        return this.#jwtVerify(token).catch((retryError: unknown) => {
          throw refusal(retryError)
        })
      }
      throw refusal(error)
    }
  }

  #jwtVerify(token: string) {
    return jwtVerify(token, this.jwks.getKey, {
      algorithms: ['ES256'],
      issuer: this.options.issuer,
      audience: this.options.audience,
      requiredClaims: ['exp', 'sub'],
    })
  }
}

function refusal(error: unknown) {
  if (error instanceof errors.JWTExpired) return TokenExpired()
  return InvalidToken()
}
