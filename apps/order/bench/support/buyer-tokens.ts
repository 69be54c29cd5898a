// Access tokens for many buyers, signed with the auth service's own active key (read from its
// database and decrypted with its data key) exactly as auth signs them at login: the gateway
// verifies them through auth's JWKS like any other. Logging in 50,000 times would measure argon2.
import { randomUUID } from 'node:crypto'
import pg from 'pg'
import { SignJWT, importJWK, type JWK } from 'jose'
import { createFieldCipher } from '@deals/field-cipher'

export interface Buyer {
  userId: string
  token: string
}

export async function mintBuyerTokens(options: {
  authDatabaseUrl: string
  dataEncryptionKey: string
  issuer: string
  audience: string
  count: number
  ttlSeconds: number
}): Promise<Buyer[]> {
  const db = new pg.Client({ connectionString: options.authDatabaseUrl })
  await db.connect()
  const { rows } = await db
    .query<{ kid: string; private_jwk_enc: string }>(
      `SELECT kid, private_jwk_enc FROM signing_keys WHERE status = 'ACTIVE' LIMIT 1`,
    )
    .finally(() => db.end())
  const active = rows[0]
  if (!active) throw new Error('the auth service has no active signing key')
  const privateJwk = JSON.parse(
    createFieldCipher(options.dataEncryptionKey).decrypt(active.private_jwk_enc),
  ) as JWK
  const key = await importJWK(privateJwk, 'ES256')
  const now = Math.floor(Date.now() / 1000)
  const buyers: Buyer[] = []
  for (let i = 0; i < options.count; i++) {
    const userId = randomUUID()
    const token = await new SignJWT({ roles: ['BUYER'] })
      .setProtectedHeader({ alg: 'ES256', kid: active.kid, typ: 'JWT' })
      .setIssuer(options.issuer)
      .setAudience(options.audience)
      .setSubject(userId)
      .setJti(randomUUID())
      .setIssuedAt(now)
      .setExpirationTime(now + options.ttlSeconds)
      .sign(key)
    buyers.push({ userId, token })
  }
  return buyers
}
