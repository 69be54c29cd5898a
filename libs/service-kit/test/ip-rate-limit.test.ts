import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { createRedisPrefix, type TestRedis } from '@deals/testing'
import { createServer, ipRateLimitPlugin, redisPlugin, serviceKit } from '../src/index.ts'
import { gatewayHeaders, TEST_GATEWAY_SECRET } from '../src/testing/index.ts'

async function buildApp(redis: TestRedis, redisUrl = redis.url) {
  const app = createServer({ service: 'kit-test', logLevel: 'silent' })
  await app.register(serviceKit, {
    service: 'kit-test',
    title: 't',
    gatewaySigningSecret: TEST_GATEWAY_SECRET,
  })
  await app.register(redisPlugin, { url: redisUrl, keyPrefix: redis.prefix })
  await app.register(ipRateLimitPlugin)
  app.post('/limited', { config: { rateLimit: { max: 3, timeWindow: 60_000 } } }, async () => ({ ok: true }))
  app.post('/open', async () => ({ ok: true }))
  await app.ready()
  return app
}

describe('per-IP rate limit', () => {
  let redis: TestRedis
  let app: Awaited<ReturnType<typeof buildApp>>
  before(async () => {
    redis = createRedisPrefix('kit_ip_limit')
    app = await buildApp(redis)
  })
  after(async () => {
    await app.close()
    await redis.cleanup()
  })

  const call = (url: string, ip: string) =>
    app.inject({ method: 'POST', url, remoteAddress: ip, headers: gatewayHeaders() })

  test('an address over a route’s limit gets 429 TOO_MANY_REQUESTS with Retry-After; other addresses do not', async () => {
    const statuses: number[] = []
    for (let i = 0; i < 3; i++) statuses.push((await call('/limited', '10.7.0.1')).statusCode)
    assert.deepEqual(statuses, [200, 200, 200])
    const refused = await call('/limited', '10.7.0.1')
    assert.equal(refused.statusCode, 429)
    assert.match(refused.headers['content-type'] as string, /application\/problem\+json/)
    assert.equal(refused.json().code, 'TOO_MANY_REQUESTS')
    assert.ok(Number(refused.headers['retry-after']) > 0)
    assert.equal((await call('/limited', '10.7.0.2')).statusCode, 200)
  })

  test('a route that does not opt in is not limited', async () => {
    for (let i = 0; i < 6; i++) assert.equal((await call('/open', '10.7.1.1')).statusCode, 200)
  })

  test('the count lives in Redis under the service’s prefix, so every replica shares it', async () => {
    const replica = await buildApp(redis)
    try {
      for (let i = 0; i < 3; i++) await call('/limited', '10.7.2.1')
      const refused = await replica.inject({
        method: 'POST',
        url: '/limited',
        remoteAddress: '10.7.2.1',
        headers: gatewayHeaders(),
      })
      assert.equal(refused.statusCode, 429)
    } finally {
      await replica.close()
    }
  })
})
