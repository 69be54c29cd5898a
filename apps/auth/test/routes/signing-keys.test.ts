import { describe, test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from 'jose'
import { startTestAuthApp, client, type TestAuthApp } from '../support/test-auth-app.ts'
import { adminIdentity, identityOf, login, signedIn } from '../support/accounts.ts'

describe('access tokens and the JWKS', () => {
  let t: TestAuthApp
  let call: ReturnType<typeof client>
  before(async () => {
    t = await startTestAuthApp()
    call = client(t)
  })
  after(() => t.close())

  const jwks = async () => {
    const res = await t.app.inject({ method: 'GET', url: '/.well-known/jwks.json' })
    assert.equal(res.statusCode, 200)
    return { res, keys: res.json().keys as { kid: string }[] }
  }

  test('the JWKS answers without the gateway signature, cacheable, public parts only', async () => {
    const { res, keys } = await jwks()
    assert.match(res.headers['cache-control'] as string, /max-age=60/)
    assert.equal(keys.length, 1)
    assert.equal((keys[0] as Record<string, unknown>).d, undefined)
  })

  test('an access token is ES256, names a published kid, and verifies with iss, aud, sub, roles, jti, exp', async () => {
    const { tokens, identity } = await signedIn(t)
    const header = decodeProtectedHeader(tokens.accessToken)
    assert.equal(header.alg, 'ES256')
    const { keys } = await jwks()
    assert.ok(keys.some((k) => k.kid === header.kid))
    const { payload } = await jwtVerify(tokens.accessToken, createLocalJWKSet({ keys: keys as never }), {
      issuer: t.config.JWT_ISSUER,
      audience: t.config.JWT_AUDIENCE,
      algorithms: ['ES256'],
    })
    assert.equal(payload.sub, identity.userId)
    assert.deepEqual(payload.roles, ['BUYER'])
    assert.ok(payload.jti)
    assert.equal(payload.exp! - payload.iat!, 900)
  })

  test('rotation publishes both keys and signs new tokens with the new one; revocation drops a key at once', async () => {
    const { email } = await signedIn(t)
    const admin = await adminIdentity(t)
    const before = await login(t, email)
    const oldKid = decodeProtectedHeader(before.accessToken).kid!

    const rotated = await call('POST', '/admin/signing-keys/rotate', { as: admin })
    assert.equal(rotated.statusCode, 201, rotated.body)
    const newKid = rotated.json().kid as string
    assert.notEqual(newKid, oldKid)
    const kids = (await jwks()).keys.map((k) => k.kid)
    assert.ok(kids.includes(oldKid) && kids.includes(newKid))

    const after = await login(t, email)
    assert.equal(decodeProtectedHeader(after.accessToken).kid, newKid)

    const revoked = await call('POST', `/admin/signing-keys/${encodeURIComponent(oldKid)}/revoke`, {
      as: admin,
    })
    assert.equal(revoked.statusCode, 204)
    assert.deepEqual(
      (await jwks()).keys.map((k) => k.kid),
      [newKid],
    )
  })

  test('revoking the active key puts a fresh key in its place', async () => {
    const admin = await adminIdentity(t)
    const [active] = (await jwks()).keys
    assert.equal(
      (await call('POST', `/admin/signing-keys/${encodeURIComponent(active!.kid)}/revoke`, { as: admin }))
        .statusCode,
      204,
    )
    const { keys } = await jwks()
    assert.ok(!keys.some((k) => k.kid === active!.kid))
    const { tokens } = await signedIn(t)
    assert.ok(keys.some((k) => k.kid === decodeProtectedHeader(tokens.accessToken).kid))
  })

  test('key administration needs ADMIN; an unknown kid is 404', async () => {
    const { tokens } = await signedIn(t)
    const buyer = identityOf(tokens.accessToken)
    assert.equal((await call('POST', '/admin/signing-keys/rotate', { as: buyer })).statusCode, 403)
    assert.equal((await call('POST', '/admin/signing-keys/rotate')).statusCode, 401)
    const missing = await call('POST', '/admin/signing-keys/nope/revoke', { as: await adminIdentity(t) })
    assert.equal(missing.statusCode, 404)
  })
})
