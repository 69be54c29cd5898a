// Verifies a bearer JWT (ES256 only, `exp` required, issuer and audience checked) and remembers
// verified tokens until they expire: a buyer retrying with the same token costs a hash and a
// lookup instead of an ES256 verification. A cached token dies with its signing key.
// fast-jwt verifies with node:crypto on the event loop, one prepared verifier per key, with no
// WebCrypto job per token (jose's path on Node): the gateway's largest single cost per purchase.
// `claimedSubject` reads what a token claims without the signature check, for answers anyone may
// have (the edge's sold-out refusal); it never establishes an identity.
import { createHash } from 'node:crypto'
import { createDecoder, createVerifier, TokenError } from 'fast-jwt'
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

interface Verified {
  payload: { sub?: unknown; roles?: unknown; sellerId?: unknown; exp: number; iss?: unknown; aud?: unknown }
  header: { kid?: string; alg?: unknown }
}

const decodeHeader = createDecoder({ complete: true })

/** The claims auth puts in an access token: `sub`, `roles` and, for sellers, `sellerId`. */
function identityFrom(payload: Verified['payload']): Identity {
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
  readonly #verifiers = new Map<string, (token: string) => Verified>()

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
    const expiresAt = payload.exp * 1000
    this.#cache.set(
      key,
      { identity, kid: protectedHeader.kid, expiresAt },
      { ttl: Math.max(1, expiresAt - Date.now()) },
    )
    return identity
  }

  /**
   * The subject a token claims, if every check but the signature passes: well formed, ES256 with
   * a key auth publishes, not expired, this issuer and audience. Not an identity: a forged
   * signature passes. Cheap (two base64 JSON decodes), for a public answer given before the
   * signature is checked; anything this refuses is left to `verify` and its 401.
   */
  claimedSubject(token: string, now = Date.now()): string | undefined {
    let claimed: Verified
    try {
      claimed = decodeHeader(token) as Verified
    } catch {
      return undefined
    }
    const { header, payload } = claimed
    const audiences: unknown[] = Array.isArray(payload.aud) ? payload.aud : [payload.aud]
    const fits =
      header.alg === 'ES256' &&
      this.jwks.hasKid(header.kid) &&
      typeof payload.exp === 'number' &&
      payload.exp * 1000 > now &&
      payload.iss === this.options.issuer &&
      audiences.includes(this.options.audience) &&
      typeof payload.sub === 'string' &&
      payload.sub !== ''
    return fits ? (payload.sub as string) : undefined
  }

  async #verifySignature(
    token: string,
  ): Promise<{ payload: Verified['payload']; protectedHeader: Verified['header'] }> {
    let kid: unknown
    try {
      kid = (decodeHeader(token) as Verified).header.kid
    } catch {
      throw InvalidToken()
    }
    if (typeof kid !== 'string') throw InvalidToken()
    let key = this.jwks.keyFor(kid)
    if (key === undefined && (await this.jwks.reloadForUnknownKid().catch(() => false)))
      key = this.jwks.keyFor(kid)
    if (key === undefined) throw InvalidToken()
    try {
      const { payload, header } = this.#verifierFor(key)(token)
      return { payload, protectedHeader: header }
    } catch (error) {
      throw refusal(error)
    }
  }

  /** One prepared verifier per signing key (keys rotate rarely; a retired key's is dropped). */
  #verifierFor(key: string): (token: string) => Verified {
    let verify = this.#verifiers.get(key)
    if (!verify) {
      verify = createVerifier({
        key,
        algorithms: ['ES256'],
        allowedIss: this.options.issuer,
        allowedAud: this.options.audience,
        requiredClaims: ['exp', 'sub'],
        complete: true,
      }) as (token: string) => Verified
      if (this.#verifiers.size >= MAX_VERIFIERS) this.#verifiers.clear()
      this.#verifiers.set(key, verify)
    }
    return verify
  }
}

/** More keys than auth ever publishes at once (current, next, previous). */
const MAX_VERIFIERS = 16

function refusal(error: unknown) {
  if (error instanceof TokenError && error.code === TokenError.codes.expired) return TokenExpired()
  return InvalidToken()
}
