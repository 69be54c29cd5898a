// The rate-limit counters on the real Redis: counted in memory, synced in batches (by flush, by
// the interval, by a burst), shared between processes once synced, kept through a Redis outage,
// and bounded in memory. Each test has its own key prefix.
import { describe, test, beforeEach, afterEach } from 'node:test'
import assert from 'node:assert/strict'
import { Redis } from 'ioredis'
import { createRedisPrefix, type TestRedis } from '@deals/testing'
import { waitUntil } from '@deals/messaging/testing'
import { SyncedCounters, type SyncedCountersOptions } from '../../src/rate-limits/synced-counters.ts'
import { startRedisRelay } from '../support/redis-relay.ts'

const WINDOW_MS = 60_000

describe('rate-limit counters synced with Redis', () => {
  let testRedis: TestRedis
  const clients: Redis[] = []
  const counters: SyncedCounters[] = []
  const warnings: string[] = []
  const syncs: string[] = []

  beforeEach(() => {
    testRedis = createRedisPrefix('gw_rl')
    warnings.length = 0
    syncs.length = 0
  })
  afterEach(async () => {
    await Promise.all(counters.splice(0).map((each) => each.close()))
    for (const client of clients.splice(0)) client.disconnect()
    await testRedis.cleanup()
  })

  const redisAt = (url: string) => {
    // Two attempts per command, as the gateway's own connection; errors are the test's to see.
    const client = new Redis(url, { keyPrefix: testRedis.prefix, maxRetriesPerRequest: 2 })
    client.on('error', () => {})
    clients.push(client)
    return client
  }
  const startCounters = (options: Partial<SyncedCountersOptions> = {}) => {
    const created = new SyncedCounters({
      redis: redisAt(testRedis.url),
      namespace: 'rl:',
      windowMs: WINDOW_MS,
      syncIntervalMs: 60_000,
      syncAfterRequests: 1_000,
      maxKeys: 100,
      log: { warn: (_details, message) => warnings.push(message), info: () => {} },
      metrics: { syncs: { inc: ({ result }) => syncs.push(result) }, keys: { set: () => {} } },
      ...options,
    })
    counters.push(created)
    return created
  }
  const countTimes = (at: SyncedCounters, key: string, times: number, windowMs = WINDOW_MS) => {
    let last = { current: 0, ttl: 0 }
    for (let i = 0; i < times; i++) last = at.count(key, windowMs)
    return last
  }
  const inspector = () => redisAt(testRedis.url)

  test('requests are answered from memory, and after a sync Redis holds their total with the window as expiry', async () => {
    const gateway = startCounters()
    assert.deepEqual(
      [1, 2, 3].map(() => gateway.count('user:alice', WINDOW_MS).current),
      [1, 2, 3],
    )
    const redis = inspector()
    assert.equal(await redis.get('rl:user:alice'), null, 'nothing is sent before a sync')
    await gateway.flush()
    assert.equal(await redis.get('rl:user:alice'), '3')
    const pttl = await redis.pttl('rl:user:alice')
    assert.ok(pttl > 0 && pttl <= WINDOW_MS, `expiry ${pttl} ms is within the window`)
    assert.deepEqual(syncs, ['ok'])
  })

  test('a second process learns the first one`s count at its own next sync', async () => {
    const first = startCounters()
    const second = startCounters()
    countTimes(first, 'user:bob', 2)
    await first.flush()
    // Not synced yet, the second process knows only its own request.
    assert.equal(second.count('user:bob', WINDOW_MS).current, 1)
    await second.flush()
    assert.equal(second.count('user:bob', WINDOW_MS).current, 4)
    await second.flush()
    assert.equal(await inspector().get('rl:user:bob'), '4')
  })

  test('requests counted while a sync is in flight stay pending and go with the next one', async () => {
    const gateway = startCounters()
    gateway.count('user:carol', WINDOW_MS)
    const inFlight = gateway.flush()
    assert.equal(gateway.count('user:carol', WINDOW_MS).current, 2)
    await inFlight
    assert.equal(await inspector().get('rl:user:carol'), '1')
    assert.equal(gateway.count('user:carol', WINDOW_MS).current, 3)
    await gateway.flush()
    assert.equal(await inspector().get('rl:user:carol'), '3')
  })

  test('without a flush, the interval and a burst of requests each sync on their own', async () => {
    const redis = inspector()
    const ticking = startCounters({ syncIntervalMs: 20 })
    ticking.start()
    countTimes(ticking, 'user:dave', 2)
    await waitUntil(async () => (await redis.get('rl:user:dave')) === '2', {
      message: 'the interval sent the counts',
    })
    const bursty = startCounters({ syncAfterRequests: 5 })
    countTimes(bursty, 'user:erin', 5)
    await waitUntil(async () => (await redis.get('rl:user:erin')) === '5', {
      message: 'the fifth request sent the counts',
    })
  })

  test('when a window ends the bucket starts again from nothing, in memory and in Redis', async () => {
    const gateway = startCounters()
    const redis = inspector()
    countTimes(gateway, 'ip:10.0.0.1', 3, 200)
    await gateway.flush()
    await waitUntil(async () => (await redis.exists('rl:ip:10.0.0.1')) === 0, { message: 'the key expired' })
    await waitUntil(() => gateway.count('ip:10.0.0.1', 200).current === 1, {
      message: 'the process counts a fresh window',
    })
    await gateway.flush()
    assert.equal(await redis.get('rl:ip:10.0.0.1'), '1')
  })

  test('with Redis unreachable, each process counts on its own, warns once, and keeps its counts', async () => {
    const gateway = startCounters({ redis: redisAt('redis://127.0.0.1:9') })
    assert.equal(countTimes(gateway, 'user:frank', 3).current, 3)
    await gateway.flush()
    assert.equal(gateway.count('user:frank', WINDOW_MS).current, 4, 'the failed sync lost nothing')
    await gateway.flush()
    assert.deepEqual(syncs, ['failed', 'failed'])
    assert.equal(warnings.length, 1, 'one warning for the outage, not one per failed sync')
  })

  test('counts kept through an outage reach Redis once it is back', async () => {
    const relay = await startRedisRelay(testRedis.url)
    try {
      const relayed = redisAt(relay.url)
      const gateway = startCounters({ redis: relayed })
      gateway.count('user:grace', WINDOW_MS)
      await gateway.flush()
      await relay.cut()
      await waitUntil(() => relayed.status !== 'ready', { message: 'the client saw its connection drop' })
      assert.equal(countTimes(gateway, 'user:grace', 2).current, 3)
      await gateway.flush()
      await relay.restore()
      await waitUntil(() => relayed.status === 'ready', { timeoutMs: 10_000, message: 'reconnected' })
      await gateway.flush()
      assert.equal(await inspector().get('rl:user:grace'), '3')
      assert.deepEqual(syncs, ['ok', 'failed', 'ok'])
      assert.equal(warnings.length, 1)
    } finally {
      await relay.close()
    }
  })

  test('at the key cap the least recently used bucket goes, and ended windows go at a sync', async () => {
    const gateway = startCounters({ maxKeys: 3 })
    for (const key of ['a', 'b', 'c']) gateway.count(key, WINDOW_MS)
    await gateway.flush()
    gateway.count('a', WINDOW_MS)
    gateway.count('d', WINDOW_MS)
    assert.equal(gateway.size, 3)
    assert.deepEqual(
      ['a', 'b', 'c', 'd'].map((key) => gateway.has(key)),
      [true, false, true, true],
    )

    gateway.count('short', 50)
    await gateway.flush()
    assert.ok(gateway.has('short'))
    await waitUntil(
      async () => {
        await gateway.flush()
        return !gateway.has('short')
      },
      { message: 'the ended window was dropped' },
    )
  })

  test('closing sends what is pending one last time', async () => {
    const gateway = startCounters()
    countTimes(gateway, 'key:k1', 2)
    await gateway.close()
    assert.equal(await inspector().get('rl:key:k1'), '2')
  })
})
