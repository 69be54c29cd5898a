import { describe, test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { SignJWT } from 'jose'
import { startUpstream, type UpstreamService } from '../support/upstream-service.ts'
import { newSigningKey, startAuthDouble, type AuthDouble } from '../support/auth-double.ts'
import { startGateway } from '../support/gateway.ts'
import { startStack, type Stack } from '../support/stack.ts'
import {
  signToken,
  unsignedToken,
  withPayload,
  payloadOf,
  TEST_AUDIENCE,
  TEST_ISSUER,
} from '../support/tokens.ts'
import { bearer, call } from '../support/http.ts'

describe('bearer tokens at the gateway', () => {
  let stack: Stack
  const me = () => `${stack.gateway.url}/api/catalog/me`
  before(async () => {
    stack = await startStack({ JWKS_UNKNOWN_KID_COOLDOWN_MS: '0' })
  })
  after(() => stack.close())

  test('a valid token reaches the upstream as the signed identity of its subject', async () => {
    const userId = randomUUID()
    const res = await call(me(), { headers: bearer(await signToken(stack.key, { sub: userId })) })
    assert.equal(res.status, 200, JSON.stringify(res.body))
    assert.equal(res.body.headers['x-user-id'], userId)
    assert.deepEqual(res.body.identity, { userId, roles: ['BUYER'] })
  })

  test('without a token the request is forwarded anonymously and the upstream answers 401', async () => {
    const res = await call(me())
    assert.equal(res.status, 401)
    assert.equal(res.body.code, 'UNAUTHENTICATED')
    assert.equal(stack.catalog.hits('/me') > 0, true)
  })

  const attacks: [string, () => Promise<string>, string][] = [
    [
      'alg none',
      async () =>
        unsignedToken({
          sub: randomUUID(),
          roles: ['ADMIN'],
          iss: TEST_ISSUER,
          aud: TEST_AUDIENCE,
          exp: Math.floor(Date.now() / 1000) + 300,
        }),
      'INVALID_TOKEN',
    ],
    [
      'HS256 signed with the public key as the secret',
      async () =>
        new SignJWT({ roles: ['ADMIN'] })
          .setProtectedHeader({ alg: 'HS256', kid: stack.key.kid })
          .setSubject(randomUUID())
          .setIssuer(TEST_ISSUER)
          .setAudience(TEST_AUDIENCE)
          .setExpirationTime('5m')
          .sign(new TextEncoder().encode(JSON.stringify(stack.key.publicJwk))),
      'INVALID_TOKEN',
    ],
    ['a wrong audience', () => signToken(stack.key, {}, { audience: 'someone-else' }), 'INVALID_TOKEN'],
    ['a wrong issuer', () => signToken(stack.key, {}, { issuer: 'http://evil.example' }), 'INVALID_TOKEN'],
    [
      'an expired token',
      () => signToken(stack.key, {}, { expiresIn: Math.floor(Date.now() / 1000) - 60 }),
      'TOKEN_EXPIRED',
    ],
    ['a token without exp', () => signToken(stack.key, {}, { expiresIn: null }), 'INVALID_TOKEN'],
    ['a key the JWKS does not have', async () => signToken(await newSigningKey()), 'INVALID_TOKEN'],
    [
      'a tampered payload (roles flipped to ADMIN)',
      async () => {
        const token = await signToken(stack.key)
        return withPayload(token, { ...payloadOf(token), roles: ['ADMIN'] })
      },
      'INVALID_TOKEN',
    ],
    ['a garbage string', async () => 'not-a-jwt-at-all', 'INVALID_TOKEN'],
    ['a token without a subject identity', () => signToken(stack.key, { roles: ['ROOT'] }), 'INVALID_TOKEN'],
  ]
  for (const [name, forge, code] of attacks) {
    test(`${name} is refused with 401 ${code} and never forwarded`, async () => {
      const before = stack.catalog.hits('/me')
      const res = await call(me(), { headers: bearer(await forge()) })
      assert.equal(res.status, 401)
      assert.match(res.headers.get('content-type') ?? '', /application\/problem\+json/)
      assert.equal(res.body.code, code)
      assert.equal(stack.catalog.hits('/me'), before)
    })
  }

  test('a token signed with a newly published key is accepted (the JWKS is refetched for an unknown kid)', async () => {
    const rotated = await stack.auth.addKey()
    const res = await call(me(), { headers: bearer(await signToken(rotated)) })
    assert.equal(res.status, 200)
  })

  test('an unknown authorization scheme is refused', async () => {
    const res = await call(me(), { headers: { authorization: 'Basic dXNlcjpwYXNz' } })
    assert.equal(res.status, 401)
    assert.equal(res.body.code, 'INVALID_TOKEN')
  })
})

describe('key retirement and unknown kids', () => {
  let upstream: UpstreamService
  let auth: AuthDouble
  before(async () => {
    upstream = await startUpstream('catalog')
    auth = await startAuthDouble()
  })
  after(async () => {
    await upstream.close()
    await auth.close()
  })

  test('a token verified (and cached) before its key left the JWKS is refused after the next refresh', async () => {
    const old = await auth.addKey()
    const gateway = await startGateway(
      { auth: auth.url, catalog: upstream.url },
      { JWKS_REFRESH_INTERVAL_MS: '100' },
    )
    try {
      const token = await signToken(old)
      assert.equal((await call(`${gateway.url}/api/catalog/me`, { headers: bearer(token) })).status, 200)
      assert.equal((await call(`${gateway.url}/api/catalog/me`, { headers: bearer(token) })).status, 200)
      auth.removeKey(old.kid)
      const fetched = auth.jwksFetches()
      const deadline = Date.now() + 5_000
      while (auth.jwksFetches() < fetched + 2 && Date.now() < deadline)
        await new Promise((resolve) => setTimeout(resolve, 25))
      const res = await call(`${gateway.url}/api/catalog/me`, { headers: bearer(token) })
      assert.equal(res.status, 401)
      assert.equal(res.body.code, 'INVALID_TOKEN')
    } finally {
      await gateway.close()
    }
  })

  test('a flood of tokens with made-up kids costs auth at most one JWKS fetch per cooldown', async () => {
    await auth.addKey()
    const gateway = await startGateway(
      { auth: auth.url, catalog: upstream.url },
      { JWKS_UNKNOWN_KID_COOLDOWN_MS: '60000', JWKS_REFRESH_INTERVAL_MS: '600000' },
    )
    try {
      const before = auth.jwksFetches()
      const stranger = await newSigningKey()
      const answers = await Promise.all(
        Array.from({ length: 20 }, async () =>
          call(`${gateway.url}/api/catalog/me`, {
            headers: bearer(await signToken(stranger, {}, { kid: randomUUID() })),
          }),
        ),
      )
      assert.ok(answers.every((res) => res.status === 401))
      assert.ok(auth.jwksFetches() - before <= 1, `JWKS fetched ${auth.jwksFetches() - before} times`)
    } finally {
      await gateway.close()
    }
  })
})
