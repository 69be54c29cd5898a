import { describe, test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { randomInt } from 'node:crypto'
import { buyerIdentity } from '@deals/contracts/testing'
import { client, startTestQueueApp, type TestQueueApp } from '../support/test-queue-app.ts'
import { enterBuyers, waitingOrder } from '../support/buyers.ts'
import { dealKeys } from '../../src/domain/waiting-room/queue-keys.ts'

describe('the opening of a waiting room', () => {
  let t: TestQueueApp
  before(async () => {
    t = await startTestQueueApp({ ENTRY_MAX_PER_IP_PER_MINUTE: '1000' })
  })
  after(() => t.close())

  test('arrivals before the start are shuffled once at the start; later arrivals queue behind them all', async () => {
    // A sold-out holds admissions, so the whole line stays visible; the shuffle happens regardless.
    const startsAt = Date.now() + 10_000
    const { dealId } = await t.deal({ startsAt: new Date(startsAt).toISOString() })
    await t.stock(dealId, true)
    const call = client(t)
    const entered = await Promise.all(
      Array.from({ length: 200 }, async (_, i) => {
        const as = buyerIdentity()
        const res = await call('POST', `/deals/${dealId}/entries`, { as, ip: `10.0.${i}.1` })
        assert.equal(res.json().position, null, 'no place before the draw')
        return as.userId
      }),
    )
    const early = await waitingOrder(t, dealId)
    assert.ok(Date.now() < startsAt, 'the early arrivals entered before the start')
    assert.deepEqual([...early].sort(), [...entered].sort())

    await t.opened(dealId, 15_000)
    const drawn = await waitingOrder(t, dealId)
    assert.deepEqual([...drawn].sort(), [...early].sort(), 'the same buyers, each once')
    assert.notDeepEqual(drawn, early, 'not in arrival order')
    const kept = drawn.filter((userId, i) => early[i] === userId).length
    assert.ok(kept < 20, `${kept} of 200 kept their arrival place`)

    const late = (await enterBuyers(t, dealId, 20)).map((b) => b.userId)
    await new Promise((resolve) => setTimeout(resolve, 300))
    const line = await waitingOrder(t, dealId)
    assert.deepEqual(line.slice(0, 200), drawn, 'the draw is done once: later ticks do not reshuffle')
    assert.deepEqual(line.slice(200), late, 'later arrivals in arrival order, behind every early one')
  })

  test('the draw is random: two rooms with the same arrivals get different orders', async () => {
    const startsAt = new Date(Date.now() + 3_000).toISOString()
    const [a, b] = await Promise.all([t.deal({ startsAt }), t.deal({ startsAt })])
    await Promise.all([t.stock(a.dealId, true), t.stock(b.dealId, true)])
    const buyers = Array.from(
      { length: 30 },
      (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    )
    for (const deal of [a, b])
      await t.redis.zadd(dealKeys(deal.dealId).waiting, ...buyers.flatMap((userId, i) => [i + 1, userId]))
    await t.redis.hset(dealKeys(a.dealId).state, 'seq', 30)
    await t.redis.hset(dealKeys(b.dealId).state, 'seq', 30 + randomInt(5))
    await Promise.all([t.opened(a.dealId), t.opened(b.dealId)])
    assert.notDeepEqual(await waitingOrder(t, a.dealId), await waitingOrder(t, b.dealId))
  })
})
