// The verified-token cache: a buyer retrying with the same token costs one signature check, yet a
// cached token is refused the moment it expires (and, in token-verification.test.ts, once its key
// leaves the JWKS). With the cache off every request is verified.
import { describe, test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { startStack, type Stack } from '../support/stack.ts'
import { signToken } from '../support/tokens.ts'
import { bearer, call } from '../support/http.ts'

async function lookups(gatewayUrl: string) {
  const text = (await call(`${gatewayUrl}/metrics`)).text
  const count = (result: string) =>
    Number(
      new RegExp(`gateway_token_cache_lookups_total\\{[^}]*result="${result}"[^}]*\\} (\\d+)`).exec(
        text,
      )?.[1] ?? 0,
    )
  return { hits: count('hit'), misses: count('miss') }
}

describe('verified-token cache', () => {
  let stack: Stack
  const me = () => `${stack.gateway.url}/api/catalog/me`
  before(async () => {
    stack = await startStack()
  })
  after(() => stack.close())

  test('five requests with the same token cost one verification', async () => {
    const token = await signToken(stack.key)
    const before = await lookups(stack.gateway.url)
    for (let i = 0; i < 5; i++) assert.equal((await call(me(), { headers: bearer(token) })).status, 200)
    const after = await lookups(stack.gateway.url)
    assert.equal(after.misses - before.misses, 1)
    assert.equal(after.hits - before.hits, 4)
  })

  test('a cached token is refused with 401 TOKEN_EXPIRED once its exp passes, and not forwarded', async () => {
    const exp = Math.floor(Date.now() / 1000) + 2
    const token = await signToken(stack.key, {}, { expiresIn: exp })
    assert.equal((await call(me(), { headers: bearer(token) })).status, 200)
    assert.equal((await call(me(), { headers: bearer(token) })).status, 200, 'served from the cache')
    await new Promise((resolve) => setTimeout(resolve, exp * 1000 - Date.now() + 50))
    const hits = stack.catalog.hits('/me')
    const res = await call(me(), { headers: bearer(token) })
    assert.equal(res.status, 401)
    assert.equal(res.body.code, 'TOKEN_EXPIRED')
    assert.equal(stack.catalog.hits('/me'), hits)
  })
})

describe('verified-token cache turned off (TOKEN_CACHE_SIZE=0)', () => {
  let stack: Stack
  before(async () => {
    stack = await startStack({ TOKEN_CACHE_SIZE: '0' })
  })
  after(() => stack.close())

  test('every request is verified: no cache lookups, and an expired token is still refused', async () => {
    const token = await signToken(stack.key)
    for (let i = 0; i < 3; i++)
      assert.equal(
        (await call(`${stack.gateway.url}/api/catalog/me`, { headers: bearer(token) })).status,
        200,
      )
    assert.deepEqual(await lookups(stack.gateway.url), { hits: 0, misses: 0 })
    const expired = await signToken(stack.key, {}, { expiresIn: Math.floor(Date.now() / 1000) - 1 })
    const res = await call(`${stack.gateway.url}/api/catalog/me`, { headers: bearer(expired) })
    assert.equal(res.status, 401)
    assert.equal(res.body.code, 'TOKEN_EXPIRED')
  })
})
