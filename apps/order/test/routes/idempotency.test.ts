// The Idempotency-Key on POST /: a retry gets the first answer byte for byte, concurrent
// duplicates create one order, another body under the same key is refused, keys belong to one
// user, and the durable answers are kept for IDEMPOTENCY_RETENTION_HOURS.
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { buyerIdentity } from '@deals/contracts/testing'
import { IdempotencyStore } from '@deals/idempotency'
import { durableAnswers } from '../../src/domain/idempotency/durable-answers.ts'
import {
  client,
  purchase,
  seedDeal,
  sql,
  startTestOrderApp,
  type TestOrderApp,
} from '../support/test-order-app.ts'

describe('Idempotency-Key', () => {
  let t: TestOrderApp
  before(async () => {
    // Duplicates wait for the first request however slow a loaded machine makes it.
    t = await startTestOrderApp({
      LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
      IDEMPOTENCY_WAIT_MS: '30000',
    })
  })
  after(() => t.close())

  test('100 concurrent requests with one key create one order and all get the same bytes', async () => {
    const deal = await seedDeal(t, { quantity: 50, perUserLimit: 50 })
    const buyer = buyerIdentity()
    const request = purchase(deal, {}, randomUUID())
    const answers = await Promise.all(
      Array.from({ length: 100 }, () => client(t)('POST', '/', { as: buyer, ...request })),
    )
    const orders = await sql(t, 'SELECT id FROM orders WHERE user_id = $1', [buyer.userId])
    assert.equal(orders.length, 1)
    for (const a of answers) {
      assert.equal(a.statusCode, 201, a.body)
      assert.equal(a.body, answers[0]!.body)
      assert.equal(a.headers['content-type'], answers[0]!.headers['content-type'])
    }
    assert.equal(answers[0]!.json().orderId, orders[0]!.id)
    const stock = (await client(t)('GET', `/deals/${deal.dealId}/stock`)).json()
    assert.equal(stock.reserved, 1)
  })

  test('a refusal is replayed too, even once the deal has stock again', async () => {
    const deal = await seedDeal(t, { quantity: 1 })
    await client(t)('POST', '/', { as: buyerIdentity(), ...purchase(deal) })
    const buyer = buyerIdentity()
    const request = purchase(deal)
    const first = await client(t)('POST', '/', { as: buyer, ...request })
    assert.equal(first.json().code, 'SOLD_OUT')
    await seedDeal(t, { ...deal, version: 2, quantity: 5 })
    const retry = await client(t)('POST', '/', { as: buyer, ...request })
    assert.equal(retry.statusCode, 409)
    assert.equal(retry.body, first.body)
    const fresh = await client(t)('POST', '/', { as: buyer, ...purchase(deal) })
    assert.equal(fresh.statusCode, 201)
  })

  test('the same key with another body is 422 IDEMPOTENCY_KEY_REUSED; another user may use the key', async () => {
    const deal = await seedDeal(t, { quantity: 5, perUserLimit: 5 })
    const buyer = buyerIdentity()
    const key = randomUUID()
    assert.equal((await client(t)('POST', '/', { as: buyer, ...purchase(deal, {}, key) })).statusCode, 201)
    const reused = await client(t)('POST', '/', { as: buyer, ...purchase(deal, { quantity: 2 }, key) })
    assert.equal(reused.statusCode, 422)
    assert.equal(reused.json().code, 'IDEMPOTENCY_KEY_REUSED')
    const someoneElse = await client(t)('POST', '/', { as: buyerIdentity(), ...purchase(deal, {}, key) })
    assert.equal(someoneElse.statusCode, 201)
    assert.notEqual(someoneElse.json().orderId, undefined)
  })

  test('when Redis forgot the key, the order’s answer comes back from PostgreSQL and no unit stays held', async () => {
    // Limit 1: the retry is stopped by the limit; limit 5: it reserves, collides on the key, releases.
    for (const perUserLimit of [1, 5]) {
      const deal = await seedDeal(t, { quantity: 5, perUserLimit })
      const buyer = buyerIdentity()
      const request = purchase(deal)
      const first = await client(t)('POST', '/', { as: buyer, ...request })
      assert.equal(first.statusCode, 201)
      const keys = await t.redis.keys(`${t.config.REDIS_KEY_PREFIX}idempotency:*`)
      await t.redis.del(...keys.map((k) => k.slice(t.config.REDIS_KEY_PREFIX.length)))
      const retry = await client(t)('POST', '/', { as: buyer, ...request })
      assert.equal(retry.statusCode, 201, `limit ${perUserLimit}: ${retry.body}`)
      assert.equal(retry.body, first.body)
      assert.deepEqual(await t.app.orderDomain.stock.levels(deal.dealId), {
        quantity: 5,
        remaining: 4,
        reserved: 1,
        sold: 0,
      })
    }
  })

  test('durable answers older than IDEMPOTENCY_RETENTION_HOURS are swept; a key retried after both forgot it is a new request', async () => {
    const deal = await seedDeal(t, { quantity: 5, perUserLimit: 1 })
    const [early, recent] = [buyerIdentity(), buyerIdentity()]
    const [earlyRequest, recentRequest] = [purchase(deal), purchase(deal)]
    const earlyFirst = await client(t)('POST', '/', { as: early, ...earlyRequest })
    const recentFirst = await client(t)('POST', '/', { as: recent, ...recentRequest })
    assert.deepEqual([earlyFirst.statusCode, recentFirst.statusCode], [201, 201])
    await sql(
      t,
      `UPDATE idempotency_records SET created_at = now() - make_interval(hours => $2) WHERE user_id = $1`,
      [early.userId, t.config.IDEMPOTENCY_RETENTION_HOURS + 1],
    )

    const { deleted } = await t.app.retention.sweep()

    assert.ok(deleted.idempotency_records! >= 1)
    const kept = await sql<{ user_id: string }>(
      t,
      'SELECT user_id FROM idempotency_records WHERE user_id = ANY($1::uuid[])',
      [[early.userId, recent.userId]],
    )
    assert.deepEqual(
      kept.map((row) => row.user_id),
      [recent.userId],
    )
    const keys = await t.redis.keys(`${t.config.REDIS_KEY_PREFIX}idempotency:*`)
    await t.redis.del(...keys.map((k) => k.slice(t.config.REDIS_KEY_PREFIX.length)))
    const recentRetry = await client(t)('POST', '/', { as: recent, ...recentRequest })
    assert.equal(recentRetry.body, recentFirst.body, 'the kept answer is replayed')
    const earlyRetry = await client(t)('POST', '/', { as: early, ...earlyRequest })
    assert.equal(earlyRetry.statusCode, 409, earlyRetry.body)
    assert.equal(earlyRetry.json().code, 'PURCHASE_LIMIT_EXCEEDED', 'a new request, stopped by the limit')
    const orders = await sql(t, 'SELECT id FROM orders WHERE user_id = ANY($1::uuid[])', [
      [early.userId, recent.userId],
    ])
    assert.equal(orders.length, 2)
  })

  test('a duplicate that arrives while the first is in flight waits at most IDEMPOTENCY_WAIT_MS, then 409', async () => {
    const idempotency = new IdempotencyStore(t.redis, durableAnswers(t.app.orderDb), {
      waitMs: 300,
      ttlSeconds: 60,
    })
    const claim = { userId: randomUUID(), scope: 'POST /', key: randomUUID(), requestHash: 'h' }
    assert.equal((await idempotency.start(claim)).kind, 'claimed')
    await assert.rejects(idempotency.start(claim), { code: 'IDEMPOTENCY_IN_PROGRESS' })
    setTimeout(() => void idempotency.complete(claim, { statusCode: 201, contentType: 'x', body: 'b' }), 50)
    assert.deepEqual(await idempotency.start(claim), {
      kind: 'replay',
      answer: { statusCode: 201, contentType: 'x', body: 'b' },
    })
  })

  test('a request without an Idempotency-Key is refused', async () => {
    const deal = await seedDeal(t)
    const res = await client(t)('POST', '/', { as: buyerIdentity(), body: purchase(deal).body })
    assert.equal(res.statusCode, 400)
    assert.equal(res.json().code, 'VALIDATION_FAILED')
  })
})
