import { describe, test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { startStack, type Stack } from '../support/stack.ts'
import { signToken } from '../support/tokens.ts'
import { bearer, call } from '../support/http.ts'

describe('rate limits', () => {
  let stack: Stack
  before(async () => {
    stack = await startStack({
      RATE_LIMIT_ANONYMOUS_MAX: '3',
      RATE_LIMIT_USER_MAX: '2',
      RATE_LIMIT_WINDOW_MS: '60000',
    })
  })
  after(() => stack.close())

  const statuses = async (count: number, headers: Record<string, string> = {}) => {
    const answers = []
    for (let i = 0; i < count; i++)
      answers.push(await call(`${stack.gateway.url}/api/catalog/echo`, { headers }))
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
    const alice = bearer(await signToken(stack.key))
    const bob = bearer(await signToken(stack.key))
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
    for (let i = 0; i < 5; i++) assert.equal((await call(`${stack.gateway.url}/healthz`)).status, 200)
  })
})
