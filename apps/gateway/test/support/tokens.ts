// Access tokens for the gateway's tests: valid ones as auth would sign them, and the forgeries
// an attacker would try.
import { randomUUID } from 'node:crypto'
import { SignJWT, type JWTPayload } from 'jose'
import type { SigningKey } from './auth-double.ts'

export const TEST_ISSUER = 'http://auth.test/api/auth'
export const TEST_AUDIENCE = 'deals-api'

export interface TokenClaims extends JWTPayload {
  roles?: string[]
}

export function signToken(
  key: SigningKey,
  claims: TokenClaims = {},
  {
    expiresIn = '5m',
    issuer = TEST_ISSUER,
    audience = TEST_AUDIENCE,
    kid = key.kid,
  }: { expiresIn?: string | number | null; issuer?: string; audience?: string; kid?: string } = {},
): Promise<string> {
  const jwt = new SignJWT({ roles: ['BUYER'], ...claims })
    .setProtectedHeader({ alg: 'ES256', kid })
    .setSubject(claims.sub ?? randomUUID())
    .setIssuer(issuer)
    .setAudience(audience)
    .setIssuedAt()
  if (expiresIn !== null) jwt.setExpirationTime(expiresIn)
  return jwt.sign(key.privateKey)
}

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url')

export function unsignedToken(claims: TokenClaims): string {
  return `${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims)}.`
}

/** The same token with its payload swapped for another; the signature no longer matches. */
export function withPayload(token: string, claims: TokenClaims): string {
  const [header, , signature] = token.split('.')
  return `${header}.${b64(claims)}.${signature}`
}

export function payloadOf(token: string): TokenClaims {
  return JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8')) as TokenClaims
}
