import { describe, test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import type { ApiKeyRecord } from '../support/auth-double.ts'
import { startStack, type Stack } from '../support/stack.ts'
import { call } from '../support/http.ts'

const apiKey = (key: string) => ({ authorization: `ApiKey ${key}` })
const record = (overrides: Partial<ApiKeyRecord> = {}): ApiKeyRecord => ({
  apiKeyId: randomUUID(),
  sellerId: randomUUID(),
  userId: randomUUID(),
  scopes: ['products:read', 'sales:read'],
  ...overrides,
})

describe('seller API keys', () => {
  const good = record()
  let stack: Stack
  before(async () => {
    stack = await startStack({}, (auth) => {
      auth.apiKeys.set('good-key', good)
      auth.apiKeys.set('limited-key', record({ rateLimitPerMinute: 2 }))
      auth.apiKeys.set('revoked-key', 'revoked')
    })
  })
  after(() => stack.close())

  test("a valid key reaches the seller API as the key's seller, with its scopes", async () => {
    const res = await call(`${stack.gateway.url}/seller/v1/products`, { headers: apiKey('good-key') })
    assert.equal(res.status, 200)
    assert.deepEqual(res.body.identity, {
      userId: good.userId,
      roles: ['SELLER'],
      sellerId: good.sellerId,
      apiKeyId: good.apiKeyId,
      scopes: good.scopes,
    })
    assert.equal(res.body.headers['x-seller-id'], good.sellerId)
    assert.equal(res.body.headers['x-api-scopes'], 'products:read,sales:read')
    assert.equal(res.body.headers.authorization, undefined, 'the key itself is not passed on')
  })

  test('introspection is cached: repeated and concurrent calls with one key ask auth once', async () => {
    stack.auth.apiKeys.set('cached-key', record())
    const before = stack.auth.introspections()
    const answers = await Promise.all(
      Array.from({ length: 5 }, () =>
        call(`${stack.gateway.url}/seller/v1/deals`, { headers: apiKey('cached-key') }),
      ),
    )
    assert.ok(answers.every((res) => res.status === 200))
    assert.equal(
      (await call(`${stack.gateway.url}/seller/v1/deals`, { headers: apiKey('cached-key') })).status,
      200,
    )
    assert.equal(stack.auth.introspections() - before, 1)
  })

  for (const key of ['revoked-key', 'no-such-key']) {
    test(`${key} is refused with 401 INVALID_API_KEY`, async () => {
      const before = stack.catalog.hits('/seller/v1/products')
      const res = await call(`${stack.gateway.url}/seller/v1/products`, { headers: apiKey(key) })
      assert.equal(res.status, 401)
      assert.equal(res.body.code, 'INVALID_API_KEY')
      assert.equal(stack.catalog.hits('/seller/v1/products'), before)
    })
  }

  test('an API key outside the seller API is refused', async () => {
    const res = await call(`${stack.gateway.url}/api/catalog/echo`, { headers: apiKey('good-key') })
    assert.equal(res.status, 401)
    assert.equal(res.body.code, 'INVALID_API_KEY')
  })

  test("a key's own per-minute limit answers 429 RATE_LIMITED with Retry-After once used up", async () => {
    const statuses = []
    for (let i = 0; i < 3; i++)
      statuses.push(await call(`${stack.gateway.url}/seller/v1/products`, { headers: apiKey('limited-key') }))
    assert.deepEqual(
      statuses.map((res) => res.status),
      [200, 200, 429],
    )
    const refused = statuses[2]!
    assert.match(refused.headers.get('content-type') ?? '', /application\/problem\+json/)
    assert.equal(refused.body.code, 'RATE_LIMITED')
    assert.ok(Number(refused.headers.get('retry-after')) > 0)
  })
})
