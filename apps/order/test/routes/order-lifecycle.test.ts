// An order's life after placement through the routes and the payment double's replies: payment,
// payment failure, the buyer's cancel before and after paying (stock and events), returns within the
// window, the seller's decision, and a cancel racing delivery progress.
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { adminIdentity, buyerIdentity, sellerIdentity } from '@deals/contracts/testing'
import { stockKeys } from '../../src/domain/inventory/stock-keys.ts'
import { client, seedDeal, sql, startTestOrderApp, type TestOrderApp } from '../support/test-order-app.ts'
import {
  age,
  commandsOf,
  eventsOf,
  forceStatus,
  orderRow,
  paidOrder,
  paymentDoubleOf,
  placeOrder,
  stockOf,
  untilConsumed,
  untilSettled,
} from '../support/order-steps.ts'

const HOUR = 3600_000

describe('the order lifecycle', () => {
  let t: TestOrderApp
  before(async () => {
    t = await startTestOrderApp({ LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent' })
  })
  after(() => t.close())

  const lifecycle = () => t.app.orderLifecycle.lifecycle
  const names = async (orderId: string) => (await eventsOf(t, orderId)).map((e) => e.event_name)

  test('payment makes the order PAID: reserved units become sold, order.paid.v1, shipping scheduled; a repeated charge reply changes nothing', async () => {
    const double = await paymentDoubleOf(t)
    const deal = await seedDeal(t, { quantity: 5, perUserLimit: 2 })
    const buyer = buyerIdentity()
    const orderId = await placeOrder(t, deal, buyer, 2)
    assert.deepEqual(await stockOf(t, deal.dealId), { quantity: 5, remaining: 3, reserved: 2, sold: 0 })
    await double.answer(orderId, 'succeed')
    await untilSettled(t, orderId, 'PAID')
    const paid = await orderRow(t, orderId)
    assert.ok(paid.payment_id)
    assert.deepEqual(await stockOf(t, deal.dealId), { quantity: 5, remaining: 3, reserved: 0, sold: 2 })
    const [saga] = await sql(t, 'SELECT state FROM purchase_sagas WHERE order_id = $1', [orderId])
    assert.equal(saga!.state, 'COMPLETED')
    assert.deepEqual(await names(orderId), ['order.placed.v1', 'order.paid.v1'])
    const event = (await eventsOf(t, orderId))[1]!.payload
    assert.equal(event.status, 'PAID')
    assert.equal(event.previousStatus, 'PENDING_PAYMENT')
    assert.equal(event.sellerId, deal.sellerId)
    assert.equal(event.amount, 2 * deal.dealPrice)
    assert.equal(event.paidAt, (paid.paid_at as Date).toISOString())
    assert.equal(event.paymentId, paid.payment_id)
    assert.ok((await t.app.jobs.pending('order.progress')) >= 1)

    await untilConsumed(t, await double.replyCharged(orderId))
    assert.equal((await orderRow(t, orderId)).version, paid.version)
    assert.deepEqual(await stockOf(t, deal.dealId), { quantity: 5, remaining: 3, reserved: 0, sold: 2 })
    assert.deepEqual(await names(orderId), ['order.placed.v1', 'order.paid.v1'])
  })

  test('a failed payment cancels the order (PAYMENT_FAILED), compensates the saga and releases the stock; a late charge is dropped', async () => {
    const double = await paymentDoubleOf(t)
    const deal = await seedDeal(t, { quantity: 3 })
    const orderId = await placeOrder(t, deal, buyerIdentity())
    await double.answer(orderId, 'fail')
    await untilSettled(t, orderId, 'CANCELLED')
    const failed = await orderRow(t, orderId)
    assert.equal(failed.cancel_reason, 'PAYMENT_FAILED')
    assert.deepEqual(await stockOf(t, deal.dealId), { quantity: 3, remaining: 3, reserved: 0, sold: 0 })
    const [saga] = await sql(t, 'SELECT state, last_error FROM purchase_sagas WHERE order_id = $1', [orderId])
    assert.deepEqual(saga, {
      state: 'COMPENSATED',
      last_error: 'INSUFFICIENT_BALANCE: not enough in the wallet',
    })
    const cancelled = (await eventsOf(t, orderId)).at(-1)!
    assert.equal(cancelled.event_name, 'order.cancelled.v1')
    assert.equal(cancelled.payload.reason, 'PAYMENT_FAILED')
    assert.equal(cancelled.payload.previousStatus, 'PENDING_PAYMENT')
    await untilConsumed(t, await double.replyCharged(orderId))
    assert.equal((await orderRow(t, orderId)).status, 'CANCELLED')
    assert.deepEqual(await stockOf(t, deal.dealId), { quantity: 3, remaining: 3, reserved: 0, sold: 0 })
  })

  test('no route marks an order paid: only the payment service’s reply does', async () => {
    const deal = await seedDeal(t)
    const orderId = await placeOrder(t, deal, buyerIdentity())
    const res = await client(t)('POST', `/admin/orders/${orderId}/mark-paid`, {
      as: adminIdentity(),
      body: {},
    })
    assert.equal(res.statusCode, 404)
    assert.equal((await orderRow(t, orderId)).status, 'PENDING_PAYMENT')
  })

  test('the buyer cancels an unpaid order: CANCELLED (BUYER_CANCELLED), stock released; again answers the same', async () => {
    const deal = await seedDeal(t, { quantity: 2 })
    const buyer = buyerIdentity()
    const orderId = await placeOrder(t, deal, buyer)
    const res = await client(t)('POST', `/${orderId}/cancel`, { as: buyer })
    assert.equal(res.statusCode, 200, res.body)
    assert.equal(res.json().status, 'CANCELLED')
    assert.equal(res.json().cancelReason, 'BUYER_CANCELLED')
    assert.deepEqual(await stockOf(t, deal.dealId), { quantity: 2, remaining: 2, reserved: 0, sold: 0 })
    const again = await client(t)('POST', `/${orderId}/cancel`, { as: buyer })
    assert.equal(again.statusCode, 200)
    assert.deepEqual(await names(orderId), ['order.placed.v1', 'order.cancelled.v1'])
    // A charge may be on its way: the saga asks for it to be voided.
    const [refund] = await commandsOf(t, orderId, 'payment.refund-requested.v1')
    assert.equal(refund!.payload.reason, 'BUYER_CANCELLED')
    const [saga] = await sql(t, 'SELECT state FROM purchase_sagas WHERE order_id = $1', [orderId])
    assert.ok(['COMPENSATING', 'COMPENSATED'].includes(saga!.state as string))
  })

  test('someone else’s order cannot be cancelled or returned: 404', async () => {
    const deal = await seedDeal(t)
    const orderId = await placeOrder(t, deal, buyerIdentity())
    const stranger = buyerIdentity()
    const cancel = await client(t)('POST', `/${orderId}/cancel`, { as: stranger })
    assert.equal(cancel.statusCode, 404)
    assert.equal(cancel.json().code, 'ORDER_NOT_FOUND')
    const ret = await client(t)('POST', `/${orderId}/return`, { as: stranger, body: { reason: 'mine?' } })
    assert.equal(ret.statusCode, 404)
    assert.equal((await orderRow(t, orderId)).status, 'PENDING_PAYMENT')
  })

  test('a paid order cancelled within 24 hours: its unit is back on sale, sold goes down, order.cancelled.v1 from PAID asks for the refund', async () => {
    const deal = await seedDeal(t, { quantity: 2, perUserLimit: 1 })
    const buyer = buyerIdentity()
    const other = buyerIdentity()
    const orderId = await paidOrder(t, deal, buyer)
    await paidOrder(t, deal, other)
    assert.deepEqual(await stockOf(t, deal.dealId), { quantity: 2, remaining: 0, reserved: 0, sold: 2 })
    await age(t, orderId, 'paid_at', 23 * HOUR)

    const res = await client(t)('POST', `/${orderId}/cancel`, { as: buyer })
    assert.equal(res.statusCode, 200, res.body)
    assert.equal(res.json().status, 'CANCELLED')
    assert.deepEqual(await stockOf(t, deal.dealId), { quantity: 2, remaining: 1, reserved: 0, sold: 1 })
    const cancelled = (await eventsOf(t, orderId)).at(-1)!
    assert.equal(cancelled.event_name, 'order.cancelled.v1')
    assert.equal(cancelled.payload.previousStatus, 'PAID')
    assert.equal(cancelled.payload.reason, 'BUYER_CANCELLED')
    const [refund] = await commandsOf(t, orderId, 'payment.refund-requested.v1')
    assert.equal(refund!.payload.reason, 'BUYER_CANCELLED')
    const [saga] = await sql(t, 'SELECT state FROM purchase_sagas WHERE order_id = $1', [orderId])
    assert.ok(['COMPENSATING', 'COMPENSATED'].includes(saga!.state as string))
    const restocked = await sql(
      t,
      `SELECT 1 FROM outbox_messages WHERE event_name = 'stock.restocked.v1' AND payload->>'dealId' = $1`,
      [deal.dealId],
    )
    assert.equal(restocked.length, 1, 'the sell-out ended')

    // The stock-settle job runs too, and changes nothing more; the buyer may buy again.
    await lifecycle().settleStock({ orderId })
    assert.deepEqual(await stockOf(t, deal.dealId), { quantity: 2, remaining: 1, reserved: 0, sold: 1 })
    await placeOrder(t, deal, buyer)
    assert.deepEqual(await stockOf(t, deal.dealId), { quantity: 2, remaining: 0, reserved: 1, sold: 1 })
  })

  test('a rebuild from PostgreSQL agrees with the counters after a paid order was cancelled, and a late stock return changes nothing', async () => {
    const deal = await seedDeal(t, { quantity: 4, perUserLimit: 2 })
    const buyer = buyerIdentity()
    const cancelledId = await paidOrder(t, deal, buyer, 2)
    await paidOrder(t, deal, buyerIdentity())
    assert.equal((await client(t)('POST', `/${cancelledId}/cancel`, { as: buyer })).statusCode, 200)
    const expected = { quantity: 4, remaining: 3, reserved: 0, sold: 1 }
    assert.deepEqual(await stockOf(t, deal.dealId), expected)

    const keys = stockKeys(deal.dealId)
    await t.redis.del(keys.stock, keys.holders, keys.reservations, keys.deadlines, keys.returned)
    assert.equal(await t.app.orderDomain.rebuild.rebuild(deal.dealId), true)
    assert.deepEqual(await stockOf(t, deal.dealId), expected)
    // The stock-settle job arriving after the rebuild (which already left the order out of sold).
    await lifecycle().settleStock({ orderId: cancelledId })
    assert.deepEqual(await stockOf(t, deal.dealId), expected)
  })

  test('a paid order cannot be cancelled 24 hours after payment, nor once shipped: 409 CANCEL_WINDOW_CLOSED', async () => {
    const deal = await seedDeal(t, { quantity: 5 })
    const buyer = buyerIdentity()
    const late = await paidOrder(t, deal, buyer)
    await age(t, late, 'paid_at', 24 * HOUR + 1000)
    const res = await client(t)('POST', `/${late}/cancel`, { as: buyer })
    assert.equal(res.statusCode, 409)
    assert.equal(res.json().code, 'CANCEL_WINDOW_CLOSED')
    assert.match(String(res.headers['content-type']), /^application\/problem\+json/)

    const buyer2 = buyerIdentity()
    const shipped = await paidOrder(t, deal, buyer2)
    await forceStatus(t, shipped, 'SHIPPING')
    const res2 = await client(t)('POST', `/${shipped}/cancel`, { as: buyer2 })
    assert.equal(res2.statusCode, 409)
    assert.equal(res2.json().code, 'CANCEL_WINDOW_CLOSED')
    assert.deepEqual(await stockOf(t, deal.dealId), { quantity: 5, remaining: 3, reserved: 0, sold: 2 })
  })

  test('a return within 24 hours of delivery, then the seller approves: RETURNED, order.returned.v1 and a refund request', async () => {
    const deal = await seedDeal(t, { quantity: 3 })
    const buyer = buyerIdentity()
    const orderId = await paidOrder(t, deal, buyer)
    await forceStatus(t, orderId, 'DELIVERED')
    await age(t, orderId, 'delivered_at', 23 * HOUR)

    const res = await client(t)('POST', `/${orderId}/return`, { as: buyer, body: { reason: 'Too sour' } })
    assert.equal(res.statusCode, 200, res.body)
    assert.equal(res.json().status, 'RETURN_REQUESTED')
    assert.equal(res.json().returnReason, 'Too sour')
    const requested = (await eventsOf(t, orderId)).at(-1)!
    assert.equal(requested.event_name, 'order.return-requested.v1')
    assert.equal(requested.payload.reason, 'Too sour')
    assert.equal(requested.payload.previousStatus, 'DELIVERED')

    const seller = sellerIdentity({ sellerId: deal.sellerId })
    const approved = await client(t)('POST', `/seller/returns/${orderId}/approve`, { as: seller })
    assert.equal(approved.statusCode, 200, approved.body)
    assert.equal(approved.json().status, 'RETURNED')
    assert.equal(approved.json().orderId, orderId)
    const returned = (await eventsOf(t, orderId)).at(-1)!
    assert.equal(returned.event_name, 'order.returned.v1')
    assert.equal(returned.payload.status, 'RETURNED')
    assert.equal(returned.payload.previousStatus, 'RETURN_REQUESTED')
    assert.equal(returned.payload.amount, deal.dealPrice)
    assert.ok(returned.payload.returnedAt)
    // A returned unit comes back used: it is not put on sale again.
    assert.deepEqual(await stockOf(t, deal.dealId), { quantity: 3, remaining: 2, reserved: 0, sold: 1 })
    // The saga asks for the money back.
    const [refund] = await commandsOf(t, orderId, 'payment.refund-requested.v1')
    assert.equal(refund!.payload.reason, 'RETURNED')
    assert.equal(refund!.payload.amount, deal.dealPrice)
    const [saga] = await sql(t, 'SELECT refund_reason FROM purchase_sagas WHERE order_id = $1', [orderId])
    assert.equal(saga!.refund_reason, 'RETURNED')

    const reject = await client(t)('POST', `/seller/returns/${orderId}/reject`, {
      as: seller,
      body: { reason: 'changed my mind' },
    })
    assert.equal(reject.statusCode, 409)
    assert.equal(reject.json().code, 'ORDER_STATUS_CONFLICT')
  })

  test('the seller rejects a return with a reason: RETURN_REJECTED and order.return-rejected.v1', async () => {
    const deal = await seedDeal(t)
    const buyer = buyerIdentity()
    const orderId = await paidOrder(t, deal, buyer)
    await forceStatus(t, orderId, 'DELIVERED')
    await client(t)('POST', `/${orderId}/return`, { as: buyer, body: { reason: 'Bruised' } })
    const seller = sellerIdentity({ sellerId: deal.sellerId })
    const res = await client(t)('POST', `/seller/returns/${orderId}/reject`, {
      as: seller,
      body: { reason: 'Photos show no damage' },
    })
    assert.equal(res.statusCode, 200, res.body)
    assert.equal(res.json().status, 'RETURN_REJECTED')
    assert.equal(res.json().returnRejectionReason, 'Photos show no damage')
    const rejected = (await eventsOf(t, orderId)).at(-1)!
    assert.equal(rejected.event_name, 'order.return-rejected.v1')
    assert.equal(rejected.payload.reason, 'Photos show no damage')
    assert.ok(rejected.payload.returnRejectedAt)
    const again = await client(t)('POST', `/${orderId}/return`, { as: buyer, body: { reason: 'Please' } })
    assert.equal(again.statusCode, 409)
    assert.equal(again.json().code, 'ORDER_STATUS_CONFLICT')
  })

  test('a return 24 hours after delivery is 409 RETURN_WINDOW_CLOSED; before delivery 409 ORDER_STATUS_CONFLICT', async () => {
    const deal = await seedDeal(t, { quantity: 3 })
    const buyer = buyerIdentity()
    const late = await paidOrder(t, deal, buyer)
    await forceStatus(t, late, 'DELIVERED')
    await age(t, late, 'delivered_at', 24 * HOUR + 1000)
    const res = await client(t)('POST', `/${late}/return`, { as: buyer, body: { reason: 'Too late?' } })
    assert.equal(res.statusCode, 409)
    assert.equal(res.json().code, 'RETURN_WINDOW_CLOSED')

    const buyer2 = buyerIdentity()
    const paid = await paidOrder(t, deal, buyer2)
    const early = await client(t)('POST', `/${paid}/return`, { as: buyer2, body: { reason: 'Not yet' } })
    assert.equal(early.statusCode, 409)
    assert.equal(early.json().code, 'ORDER_STATUS_CONFLICT')
    assert.equal((await orderRow(t, late)).status, 'DELIVERED')
  })

  test('a cancel racing the shipping job ends in exactly one consistent state', async () => {
    const deal = await seedDeal(t, { quantity: 20, perUserLimit: 1 })
    for (let round = 0; round < 8; round++) {
      const buyer = buyerIdentity()
      const orderId = await paidOrder(t, deal, buyer)
      const { version } = await orderRow(t, orderId)
      const [cancel, ship] = await Promise.allSettled([
        client(t)('POST', `/${orderId}/cancel`, { as: buyer }),
        lifecycle().progress({ orderId, version: version as number, step: 'SHIP' }),
      ])
      assert.equal(cancel.status, 'fulfilled')
      assert.equal(ship.status, 'fulfilled')
      const row = await orderRow(t, orderId)
      const events = await names(orderId)
      if (row.status === 'CANCELLED') {
        assert.equal(cancel.value.statusCode, 200)
        assert.equal(ship.value, 'STALE')
        assert.deepEqual(events, ['order.placed.v1', 'order.paid.v1', 'order.cancelled.v1'])
        assert.equal(row.shipped_at, null)
      } else {
        assert.equal(row.status, 'SHIPPING')
        assert.equal(cancel.value.statusCode, 409)
        assert.equal(cancel.value.json().code, 'CANCEL_WINDOW_CLOSED')
        assert.deepEqual(events, ['order.placed.v1', 'order.paid.v1', 'order.shipped.v1'])
      }
    }
    const [counts] = await sql<{ cancelled: number; shipping: number }>(
      t,
      `SELECT count(*) FILTER (WHERE status = 'CANCELLED')::int AS cancelled,
              count(*) FILTER (WHERE status = 'SHIPPING')::int AS shipping
       FROM orders WHERE deal_id = $1`,
      [deal.dealId],
    )
    assert.equal(counts!.cancelled + counts!.shipping, 8)
    assert.deepEqual(await stockOf(t, deal.dealId), {
      quantity: 20,
      remaining: 20 - counts!.shipping,
      reserved: 0,
      sold: counts!.shipping,
    })
  })

  test('bad input is a 4xx problem, never a 500', async () => {
    const buyer = buyerIdentity()
    const deal = await seedDeal(t)
    const orderId = await paidOrder(t, deal, buyer)
    await forceStatus(t, orderId, 'DELIVERED')
    const cases: [string, string, unknown, number][] = [
      ['POST', '/not-a-uuid/cancel', undefined, 400],
      ['POST', `/${orderId}/return`, {}, 400],
      ['POST', `/${orderId}/return`, { reason: '' }, 400],
      ['POST', `/${orderId}/return`, { reason: '   ' }, 400],
      ['POST', `/${orderId}/return`, { reason: 'x'.repeat(501) }, 400],
      ['POST', `/${orderId}/return`, { reason: 'ok', extra: 1 }, 400],
      ['POST', `/${orderId}/return`, 'not json', 400],
      ['GET', '/admin/sagas', undefined, 403],
    ]
    for (const [method, url, body, status] of cases) {
      const res = await client(t)(method as 'POST' | 'GET', url, {
        as: buyer,
        ...(typeof body === 'string'
          ? { body, headers: { 'content-type': 'application/json' } }
          : body === undefined
            ? {}
            : { body }),
      })
      assert.equal(res.statusCode, status, `${method} ${url} ${JSON.stringify(body)}: ${res.body}`)
      assert.match(String(res.headers['content-type']), /^application\/problem\+json/)
    }
    const admin = adminIdentity()
    for (const url of [
      '/admin/sagas?state=NOPE',
      '/admin/sagas?stuck=yes',
      '/admin/sagas?limit=0',
      '/admin/sagas?cursor=garbage',
      '/admin/sagas?other=1',
    ]) {
      const res = await client(t)('GET', url, { as: admin })
      assert.equal(res.statusCode, 400, `${url}: ${res.body}`)
      assert.match(String(res.headers['content-type']), /^application\/problem\+json/)
    }
    const anonymous = await client(t)('POST', `/${orderId}/cancel`)
    assert.equal(anonymous.statusCode, 401)
    assert.equal((await orderRow(t, orderId)).status, 'DELIVERED')
  })
})
