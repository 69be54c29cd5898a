// Puts accounts in the states tests start from: signed up, verified through the real mail link, signed in.
import { randomUUID } from 'node:crypto'
import assert from 'node:assert/strict'
import { decodeJwt } from 'jose'
import type { Identity, Role } from '@deals/contracts'
import { client, ADMIN, type TestAuthApp } from './test-auth-app.ts'

export const PASSWORD = 'correct horse battery'

export const newEmail = () => `user-${randomUUID()}@example.test`

export function verificationToken(text: string): string {
  const m = /\/api\/auth\/verify\?token=([A-Za-z0-9_-]+)/.exec(text)
  assert.ok(m, 'the mail carries a verification link')
  return m[1]!
}

export async function signUpVerified(t: TestAuthApp, email = newEmail()) {
  const call = client(t)
  const signup = await call('POST', '/signup', { body: { email, password: PASSWORD, name: 'Test User' } })
  assert.equal(signup.statusCode, 201, signup.body)
  const token = verificationToken((await t.mail.waitFor(email)).text)
  const verified = await call('GET', `/verify?token=${token}`)
  assert.equal(verified.statusCode, 200, verified.body)
  return { email, userId: signup.json().userId as string }
}

export async function login(t: TestAuthApp, email: string, password = PASSWORD, deviceId?: string) {
  const res = await client(t)('POST', '/login', {
    body: { email, password, ...(deviceId ? { deviceId } : {}) },
  })
  assert.equal(res.statusCode, 200, res.body)
  return res.json() as { accessToken: string; refreshToken: string; expiresIn: number }
}

/** The identity the gateway would assert for an access token. */
export function identityOf(accessToken: string): Identity {
  const claims = decodeJwt(accessToken) as { sub: string; roles: Role[]; sellerId?: string }
  return {
    userId: claims.sub,
    roles: claims.roles,
    ...(claims.sellerId ? { sellerId: claims.sellerId } : {}),
  }
}

export async function signedIn(t: TestAuthApp) {
  const { email } = await signUpVerified(t)
  const tokens = await login(t, email)
  return { email, tokens, identity: identityOf(tokens.accessToken) }
}

export async function adminIdentity(t: TestAuthApp) {
  return identityOf((await login(t, ADMIN.email, ADMIN.password)).accessToken)
}
