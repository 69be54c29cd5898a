import { describe, test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { startUpstream, type UpstreamService } from '../support/upstream-service.ts'
import { startAuthDouble, type AuthDouble, type SigningKey } from '../support/auth-double.ts'
import { startGateway, type TestGateway } from '../support/gateway.ts'
import { signToken } from '../support/tokens.ts'
import { bearer, call } from '../support/http.ts'

describe('rate limits', () => {
  let catalog: UpstreamService
  let auth: AuthDouble
  let key: SigningKey
  let gateway: TestGateway

  before(async () => {
    catalog = await startUpstream('catalog')
    auth = await startAuthDouble()
    key = await auth.addKey()
    gateway = await startGateway(
      { auth: auth.url, catalog: catalog.url },
      { RATE_LIMIT_ANONYMOUS_MAX: '3', RATE_LIMIT_USER_MAX: '2', RATE_LIMIT_WINDOW_MS: '60000' },
    )
  })
  after(async () => {
    await gateway.close()
    await catalog.close()
    await auth.close()
  })

  const statuses = async (count: number, headers: Record<string, string> = {}) => {
    const answers = []
    for (let i = 0; i < count; i++) answers.push(await call(`${gateway.url}/api/catalog/echo`, { headers }))
    return answers
  }

  test('an anonymous client gets 429 RATE_LIMITED with Retry-After after its limit', async () => {
    const answers = await statuses(4)
    assert.deepEqual(
      answers.map((res) => res.status),
      [200, 200, 200, 429],
    )
    const refused = answers[3]!
    assert.equal(refused.body.code, 'RATE_LIMITED')
    assert.match(refused.headers.get('content-type') ?? '', /application\/problem\+json/)
    assert.ok(Number(refused.headers.get('retry-after')) > 0)
  })

  test('each signed-in user has a budget of their own, apart from their IP', async () => {
    const alice = bearer(await signToken(key))
    const bob = bearer(await signToken(key))
    assert.deepEqual(
      (await statuses(3, alice)).map((res) => res.status),
      [200, 200, 429],
    )
    assert.deepEqual(
      (await statuses(1, bob)).map((res) => res.status),
      [200],
    )
  })

  test('health and metrics are never rate limited', async () => {
    for (let i = 0; i < 5; i++) assert.equal((await call(`${gateway.url}/healthz`)).status, 200)
  })
})
