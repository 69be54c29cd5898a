// Rate limits through the real gateway: 429 problems past a budget per caller, shared between
// gateway replicas once they sync with Redis, fresh when the window ends, and still enforced by
// each replica on its own while Redis is gone.
import { describe, test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { Redis } from 'ioredis'
import { waitUntil } from '@deals/messaging/testing'
import { startStack, type Stack } from '../support/stack.ts'
import { startUpstream, type UpstreamService } from '../support/upstream-service.ts'
import { startAuthDouble, type AuthDouble, type SigningKey } from '../support/auth-double.ts'
import { startGateway, type TestGateway } from '../support/gateway.ts'
import { startRedisRelay } from '../support/redis-relay.ts'
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

describe('rate limits across gateway replicas', () => {
  let catalog: UpstreamService
  let auth: AuthDouble
  let key: SigningKey
  const gateways: TestGateway[] = []
  const inspectors: Redis[] = []
  before(async () => {
    ;[catalog, auth] = await Promise.all([startUpstream('catalog'), startAuthDouble()])
    key = await auth.addKey()
  })
  after(async () => {
    await Promise.all(gateways.map((gateway) => gateway.close()))
    for (const redis of inspectors) redis.disconnect()
    await Promise.all([catalog.close(), auth.close()])
  })

  // Syncs only when a test flushes, so what each replica knows is the test's doing.
  const replica = async (env: Record<string, string> = {}) => {
    const gateway = await startGateway(
      { auth: auth.url, catalog: catalog.url },
      { RATE_LIMIT_USER_MAX: '3', RATE_LIMIT_SYNC_INTERVAL_MS: '600000', ...env },
    )
    gateways.push(gateway)
    return gateway
  }
  /** Reads the gateway's keys as Redis holds them, under its key prefix. */
  const keysOf = (gateway: TestGateway) => {
    const redis = new Redis('redis://127.0.0.1:6379', { keyPrefix: gateway.app.redis.options.keyPrefix })
    inspectors.push(redis)
    return redis
  }
  const buyer = async () => {
    const userId = randomUUID()
    const headers = bearer(await signToken(key, { sub: userId }))
    const statuses = async (gateway: TestGateway, count: number) => {
      const answers = []
      for (let i = 0; i < count; i++)
        answers.push((await call(`${gateway.url}/api/catalog/echo`, { headers })).status)
      return answers
    }
    return { userId, statuses }
  }

  test('two gateways on one Redis share a user`s budget once synced', async () => {
    const first = await replica()
    const second = await replica({ REDIS_KEY_PREFIX: first.app.redis.options.keyPrefix! })
    const alice = await buyer()
    assert.deepEqual(await alice.statuses(first, 2), [200, 200])
    await first.app.rateLimitCounters.flush()
    // The second replica has not synced alice's bucket yet: its first request is judged on its own count.
    assert.deepEqual(await alice.statuses(second, 1), [200])
    await second.app.rateLimitCounters.flush()
    // Alone it counted one request of three; with the first replica's two it is past the budget.
    assert.deepEqual(await alice.statuses(second, 1), [429])
    await second.app.rateLimitCounters.flush()
    assert.equal(await keysOf(first).get(`rl:user:${alice.userId}`), '4')
  })

  test('after a sync the Redis key holds the counted total with the window as expiry', async () => {
    const gateway = await replica()
    const bob = await buyer()
    assert.deepEqual(await bob.statuses(gateway, 4), [200, 200, 200, 429])
    await gateway.app.rateLimitCounters.flush()
    const redis = keysOf(gateway)
    assert.equal(await redis.get(`rl:user:${bob.userId}`), '4')
    const pttl = await redis.pttl(`rl:user:${bob.userId}`)
    assert.ok(pttl > 0 && pttl <= 60_000, `expiry ${pttl} ms is within the window`)
  })

  test('when the window ends the user has a fresh budget', async () => {
    const gateway = await replica({ RATE_LIMIT_WINDOW_MS: '300' })
    const carol = await buyer()
    assert.deepEqual(await carol.statuses(gateway, 4), [200, 200, 200, 429])
    await gateway.app.rateLimitCounters.flush()
    const redis = keysOf(gateway)
    await waitUntil(async () => (await redis.exists(`rl:user:${carol.userId}`)) === 0, {
      message: 'the window ended in Redis',
    })
    await waitUntil(async () => (await carol.statuses(gateway, 1))[0] === 200, {
      message: 'a request is accepted again',
    })
    assert.deepEqual(await carol.statuses(gateway, 3), [200, 200, 429])
    await gateway.app.rateLimitCounters.flush()
    assert.equal(await redis.get(`rl:user:${carol.userId}`), '4')
  })

  test('with Redis gone a gateway still answers 429 past the limit, never 500, and sends the counts once it is back', async () => {
    const relay = await startRedisRelay('redis://127.0.0.1:6379')
    try {
      const gateway = await replica({ REDIS_URL: relay.url })
      const dave = await buyer()
      await relay.cut()
      await waitUntil(() => gateway.app.redis.status !== 'ready', { message: 'the gateway lost Redis' })
      assert.deepEqual(await dave.statuses(gateway, 5), [200, 200, 200, 429, 429])
      await gateway.app.rateLimitCounters.flush()
      const metrics = await call(`${gateway.url}/metrics`)
      assert.match(metrics.text, /gateway_rate_limit_syncs_total\{result="failed"[^}]*\} 1\n/)

      await relay.restore()
      await waitUntil(() => gateway.app.redis.status === 'ready', {
        timeoutMs: 10_000,
        message: 'reconnected',
      })
      await gateway.app.rateLimitCounters.flush()
      assert.equal(await keysOf(gateway).get(`rl:user:${dave.userId}`), '5')
    } finally {
      await relay.close()
    }
  })

  test('a gateway that closes sends its pending counts first', async () => {
    const gateway = await replica()
    const erin = await buyer()
    assert.deepEqual(await erin.statuses(gateway, 2), [200, 200])
    const redis = keysOf(gateway)
    await gateway.app.close()
    assert.equal(await redis.get(`rl:user:${erin.userId}`), '2')
  })
})
