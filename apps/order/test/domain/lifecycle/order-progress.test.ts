// Delivery progress: a paid order moves to SHIPPING and then DELIVERED one configured period
// apart, by durable jobs that survive a restart of the service; a cancelled order stays put.
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { setTimeout as sleep } from 'node:timers/promises'
import { buyerIdentity } from '@deals/contracts/testing'
import { client, seedDeal, startTestOrderApp, type TestOrderApp } from '../../support/test-order-app.ts'
import { eventsOf, orderRow, paidOrder } from '../../support/order-steps.ts'

const PERIOD_S = 1

describe('delivery progress', () => {
  let t: TestOrderApp
  before(async () => {
    t = await startTestOrderApp({
      LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
      ORDER_PROGRESS_PERIOD_SECONDS: String(PERIOD_S),
    })
  })
  after(() => t.close())

  async function until(app: TestOrderApp, orderId: string, status: string, withinMs = 20_000) {
    const giveUp = Date.now() + withinMs
    for (;;) {
      const row = await orderRow(app, orderId)
      if (row.status === status) return row
      assert.ok(Date.now() < giveUp, `order ${orderId} reached ${status} (it is ${String(row.status)})`)
      await sleep(200)
    }
  }

  test('a paid order ships one period after payment and is delivered one period after shipping', async () => {
    const deal = await seedDeal(t)
    const orderId = await paidOrder(t, deal, buyerIdentity())
    const delivered = await until(t, orderId, 'DELIVERED')
    const paidAt = (delivered.paid_at as Date).getTime()
    const shippedAt = (delivered.shipped_at as Date).getTime()
    const deliveredAt = (delivered.delivered_at as Date).getTime()
    // Generous bounds: the jobs poll every half second on a shared machine.
    assert.ok(shippedAt - paidAt >= PERIOD_S * 1000 - 50, `shipped ${shippedAt - paidAt} ms after payment`)
    assert.ok(shippedAt - paidAt < PERIOD_S * 1000 + 10_000)
    assert.ok(
      deliveredAt - shippedAt >= PERIOD_S * 1000 - 50,
      `delivered ${deliveredAt - shippedAt} ms after shipping`,
    )
    const events = await eventsOf(t, orderId)
    assert.deepEqual(
      events.map((e) => e.event_name),
      ['order.placed.v1', 'order.paid.v1', 'order.shipped.v1', 'order.delivered.v1'],
    )
    const [, , shipped, deliveredEvent] = events
    assert.equal(shipped!.payload.previousStatus, 'PAID')
    assert.equal(shipped!.payload.status, 'SHIPPING')
    assert.equal(deliveredEvent!.payload.previousStatus, 'SHIPPING')
    assert.equal(deliveredEvent!.payload.deliveredAt, (delivered.delivered_at as Date).toISOString())
  })

  test('progress survives a restart of the service', async () => {
    // A longer period here, so that each job is still pending while the service restarts.
    const slow = await startTestOrderApp({
      LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
      ORDER_PROGRESS_PERIOD_SECONDS: '5',
    })
    try {
      const deal = await seedDeal(slow)
      const orderId = await paidOrder(slow, deal, buyerIdentity())
      await slow.restart()
      assert.equal((await orderRow(slow, orderId)).status, 'PAID')
      await until(slow, orderId, 'SHIPPING')
      await slow.restart()
      assert.equal((await orderRow(slow, orderId)).status, 'SHIPPING')
      await until(slow, orderId, 'DELIVERED')
      const names = (await eventsOf(slow, orderId)).map((e) => e.event_name)
      assert.equal(names.filter((n) => n === 'order.shipped.v1').length, 1)
      assert.equal(names.filter((n) => n === 'order.delivered.v1').length, 1)
    } finally {
      await slow.close()
    }
  })

  test('a cancelled order is not progressed', async () => {
    const deal = await seedDeal(t)
    const buyer = buyerIdentity()
    const orderId = await paidOrder(t, deal, buyer)
    const res = await client(t)('POST', `/${orderId}/cancel`, { as: buyer })
    assert.equal(res.statusCode, 200, res.body)
    await sleep(3 * PERIOD_S * 1000 + 1000)
    const row = await orderRow(t, orderId)
    assert.equal(row.status, 'CANCELLED')
    assert.equal(row.shipped_at, null)
    assert.equal(await t.app.jobs.pending('order.progress'), 0)
    assert.deepEqual(
      (await eventsOf(t, orderId)).map((e) => e.event_name),
      ['order.placed.v1', 'order.paid.v1', 'order.cancelled.v1'],
    )
  })
})
