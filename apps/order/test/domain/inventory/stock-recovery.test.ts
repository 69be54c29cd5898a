// When Redis loses a deal's counters, orders for it are refused with 503 STOCK_REBUILDING until
// one replica has rebuilt them from PostgreSQL; lapsed reservations whose order never committed
// are released by the sweeper; and a deal event never recreates counters Redis lost.
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { waitUntil } from '@deals/messaging/testing'
import { buyerIdentity } from '@deals/contracts/testing'
import { stockKeys } from '../../../src/domain/inventory/stock-keys.ts'
import {
  client,
  purchase,
  seedDeal,
  sql,
  startTestOrderApp,
  type TestOrderApp,
} from '../../support/test-order-app.ts'

describe('stock recovery', () => {
  let t: TestOrderApp
  before(async () => {
    t = await startTestOrderApp({ LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent' })
  })
  after(() => t.close())

  const wipe = async (dealId: string) => {
    const keys = stockKeys(dealId)
    await t.redis.del(keys.stock, keys.holders, keys.reservations, keys.deadlines)
  }

  test('counters wiped from Redis are rebuilt from PostgreSQL before the deal takes orders again', async () => {
    const deal = await seedDeal(t, { quantity: 5, perUserLimit: 1 })
    const buyers = [buyerIdentity(), buyerIdentity()]
    for (const buyer of buyers)
      assert.equal((await client(t)('POST', '/', { as: buyer, ...purchase(deal) })).statusCode, 201)
    await wipe(deal.dealId)

    const refused = await client(t)('POST', '/', { as: buyerIdentity(), ...purchase(deal) })
    assert.equal(refused.statusCode, 503)
    assert.equal(refused.json().code, 'STOCK_REBUILDING')

    await waitUntil(async () => (await t.app.orderDomain.stock.levels(deal.dealId)) !== null, {
      timeoutMs: 20_000,
    })
    const stock = (await client(t)('GET', `/deals/${deal.dealId}/stock`)).json()
    assert.deepEqual(stock, { quantity: 5, remaining: 3, reserved: 2, sold: 0 })
    // The rebuilt holders still count against the per-user limit.
    const again = await client(t)('POST', '/', { as: buyers[0]!, ...purchase(deal) })
    assert.equal(again.json().code, 'PURCHASE_LIMIT_EXCEEDED')
    assert.equal((await client(t)('POST', '/', { as: buyerIdentity(), ...purchase(deal) })).statusCode, 201)
  })

  test('only one rebuild runs at a time', async () => {
    const deal = await seedDeal(t)
    await wipe(deal.dealId)
    const results = await Promise.all([1, 2, 3].map(() => t.app.orderDomain.rebuild.rebuild(deal.dealId)))
    assert.deepEqual(results.sort(), [false, false, true])
  })

  test('a deal event after the loss leaves the counters to the rebuild', async () => {
    const deal = await seedDeal(t, { quantity: 4 })
    assert.equal((await client(t)('POST', '/', { as: buyerIdentity(), ...purchase(deal) })).statusCode, 201)
    await wipe(deal.dealId)
    await seedDeal(t, { ...deal, version: 2, productName: 'renamed' })
    assert.equal(await t.app.orderDomain.stock.levels(deal.dealId), null)
    await t.app.orderDomain.rebuild.rebuild(deal.dealId)
    assert.deepEqual(await t.app.orderDomain.stock.levels(deal.dealId), {
      quantity: 4,
      remaining: 3,
      reserved: 1,
      sold: 0,
    })
  })

  test('the sweeper releases a lapsed reservation that has no order, and leaves pending orders to their expiry', async () => {
    const deal = await seedDeal(t, { quantity: 3, perUserLimit: 3 })
    const { stock, sweeper } = t.app.orderDomain
    const placed = await client(t)('POST', '/', { as: buyerIdentity(), ...purchase(deal) })
    assert.equal(placed.statusCode, 201)
    const orphan = randomUUID()
    const past = new Date(Date.now() - 60_000)
    const reserved = await stock.reserve({
      dealId: deal.dealId,
      reservationId: orphan,
      userId: randomUUID(),
      quantity: 2,
      deadline: past,
      now: new Date(),
    })
    assert.equal(reserved.outcome, 'RESERVED')
    // Age the real order's reservation too: its order is pending, so it is not the sweeper's.
    await t.redis.zadd(stockKeys(deal.dealId).deadlines, past.getTime(), placed.json().orderId)
    const swept = await sweeper.sweep()
    assert.equal(swept.released, 1)
    assert.deepEqual(await stock.levels(deal.dealId), { quantity: 3, remaining: 2, reserved: 1, sold: 0 })
    const restocked = await sql(t, `SELECT 1 FROM outbox_messages WHERE event_name = 'stock.restocked.v1'`)
    assert.equal(restocked.length, 1, 'the release ended a sell-out')
    assert.equal((await sweeper.sweep()).released, 0)
  })
})
