// Placing an order: the reservation, the durable order and its event, and each refusal.
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { buyerIdentity } from '@deals/contracts/testing'
import {
  client,
  purchase,
  seedDeal,
  sql,
  startTestOrderApp,
  type TestOrderApp,
} from '../support/test-order-app.ts'

describe('placing an order', () => {
  let t: TestOrderApp
  before(async () => {
    t = await startTestOrderApp({ LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent' })
  })
  after(() => t.close())

  test('a reservation becomes a PENDING_PAYMENT order with its event, saga and expiry job', async () => {
    const deal = await seedDeal(t, { quantity: 3 })
    const buyer = buyerIdentity()
    const res = await client(t)('POST', '/', { as: buyer, ...purchase(deal) })
    assert.equal(res.statusCode, 201, res.body)
    const { orderId, status } = res.json()
    assert.equal(status, 'PENDING_PAYMENT')
    const [order] = await sql(t, 'SELECT * FROM orders WHERE id = $1', [orderId])
    assert.equal(order!.user_id, buyer.userId)
    assert.equal(order!.amount, 9900)
    const events = await sql(t, `SELECT event_name, payload FROM outbox_messages`)
    assert.deepEqual(
      events.map((e) => e.event_name),
      ['order.placed.v1'],
    )
    const stock = await client(t)('GET', `/deals/${deal.dealId}/stock`)
    assert.deepEqual(stock.json(), { quantity: 3, remaining: 2, reserved: 1, sold: 0 })
  })
})
