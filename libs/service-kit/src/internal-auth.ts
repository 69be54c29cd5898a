// The gateway signs the identity it forwards (HMAC-SHA256 over a timestamp and the identity
// headers); a service accepts a request only with a valid, fresh signature. A request that did
// not come through the gateway, or whose identity headers were altered, is refused with 401.
import { createHmac, timingSafeEqual } from 'node:crypto'
import { IDENTITY_HEADERS, identitySchema, type Identity } from '@deals/contracts'

export const MAX_SIGNATURE_AGE_MS = 60_000

type HeaderBag = Record<string, string | string[] | undefined>

function canonical(timestamp: number, identity: Partial<Identity> | undefined): string {
  return [
    timestamp,
    identity?.userId ?? '',
    (identity?.roles ?? []).join(','),
    identity?.sellerId ?? '',
    identity?.apiKeyId ?? '',
    (identity?.scopes ?? []).join(','),
  ].join('\n')
}

const mac = (secret: string, text: string) => createHmac('sha256', secret).update(text).digest('base64url')

/** Headers the gateway adds to a forwarded request; `identity` is absent for anonymous calls. */
export function signIdentityHeaders(
  secret: string,
  identity?: Identity,
  now = Date.now(),
): Record<string, string> {
  const headers: Record<string, string> = {
    [IDENTITY_HEADERS.signature]: `t=${now},s=${mac(secret, canonical(now, identity))}`,
  }
  if (identity) {
    headers[IDENTITY_HEADERS.userId] = identity.userId
    headers[IDENTITY_HEADERS.roles] = identity.roles.join(',')
    if (identity.sellerId) headers[IDENTITY_HEADERS.sellerId] = identity.sellerId
    if (identity.apiKeyId) headers[IDENTITY_HEADERS.apiKeyId] = identity.apiKeyId
    if (identity.scopes) headers[IDENTITY_HEADERS.scopes] = identity.scopes.join(',')
  }
  return headers
}

/** Every header name a client must never be able to set itself. */
export const ASSERTED_HEADER_NAMES: readonly string[] = Object.values(IDENTITY_HEADERS)

const one = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v)
const list = (v: string | undefined) => (v ? v.split(',').filter(Boolean) : undefined)

export type VerifiedCaller = { ok: true; identity: Identity | undefined } | { ok: false; reason: string }

export function verifyIdentityHeaders(secret: string, headers: HeaderBag, now = Date.now()): VerifiedCaller {
  const signature = one(headers[IDENTITY_HEADERS.signature])
  const match = signature && /^t=(\d{1,16}),s=([A-Za-z0-9_-]{43})$/.exec(signature)
  if (!match) return { ok: false, reason: 'missing gateway signature' }
  const timestamp = Number(match[1])
  if (Math.abs(now - timestamp) > MAX_SIGNATURE_AGE_MS)
    return { ok: false, reason: 'stale gateway signature' }

  const userId = one(headers[IDENTITY_HEADERS.userId])
  let identity: Identity | undefined
  if (userId !== undefined) {
    const parsed = identitySchema.safeParse({
      userId,
      roles: list(one(headers[IDENTITY_HEADERS.roles])) ?? [],
      sellerId: one(headers[IDENTITY_HEADERS.sellerId]),
      apiKeyId: one(headers[IDENTITY_HEADERS.apiKeyId]),
      scopes: list(one(headers[IDENTITY_HEADERS.scopes])),
    })
    if (!parsed.success) return { ok: false, reason: 'malformed identity headers' }
    identity = Object.fromEntries(Object.entries(parsed.data).filter(([, v]) => v !== undefined)) as Identity
  }
  const expected = Buffer.from(mac(secret, canonical(timestamp, identity)))
  const given = Buffer.from(match[2]!)
  if (expected.length !== given.length || !timingSafeEqual(expected, given))
    return { ok: false, reason: 'bad gateway signature' }
  return { ok: true, identity }
}
