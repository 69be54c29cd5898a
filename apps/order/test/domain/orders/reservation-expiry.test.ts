// An order not paid by its reservation deadline is cancelled by a durable job, its units go back
// on sale, and the waiting room hears that a sold-out deal has stock again.
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { waitUntil } from '@deals/messaging/testing'
import { buyerIdentity } from '@deals/contracts/testing'
import {
  client,
  purchase,
  seedDeal,
  sql,
  startTestOrderApp,
  type TestOrderApp,
} from '../../support/test-order-app.ts'
import { ReservationExpiry } from '../../../src/domain/orders/reservation-expiry.ts'
import { StockReturns } from '../../../src/domain/inventory/stock-returns.ts'

describe('reservation expiry', () => {
  let t: TestOrderApp
  before(async () => {
    t = await startTestOrderApp({
      LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
      RESERVATION_TTL_SECONDS: '5',
    })
  })
  after(() => t.close())

  test('an unpaid order is cancelled (EXPIRED) at its deadline and its unit comes back', async () => {
    const deal = await seedDeal(t, { quantity: 1 })
    const buyer = buyerIdentity()
    const placed = await client(t)('POST', '/', { as: buyer, ...purchase(deal) })
    assert.equal(placed.statusCode, 201)
    const { orderId } = placed.json()
    assert.equal(
      (await client(t)('POST', '/', { as: buyerIdentity(), ...purchase(deal) })).json().code,
      'SOLD_OUT',
    )

    await waitUntil(
      async () =>
        (await sql(t, `SELECT 1 FROM orders WHERE id = $1 AND status = 'CANCELLED'`, [orderId])).length === 1,
      { timeoutMs: 30_000 },
    )
    const order = (await client(t)('GET', `/${orderId}`, { as: buyer })).json()
    assert.equal(order.cancelReason, 'EXPIRED')
    assert.ok(Date.parse(order.cancelledAt) >= Date.parse(order.reservationExpiresAt))
    // A charge may still be on its way: the saga asks for it to be voided, and waits for the answer.
    const [saga] = await sql(t, 'SELECT state, refund_reason FROM purchase_sagas WHERE order_id = $1', [
      orderId,
    ])
    assert.deepEqual(saga, { state: 'COMPENSATING', refund_reason: 'PAYMENT_TIMEOUT' })
    const refunds = await sql<{ payload: Record<string, unknown> }>(
      t,
      `SELECT payload FROM outbox_messages WHERE event_name = 'payment.refund-requested.v1' AND payload->>'orderId' = $1`,
      [orderId],
    )
    assert.deepEqual(
      refunds.map((r) => [r.payload.reason, r.payload.amount]),
      [['PAYMENT_TIMEOUT', deal.dealPrice]],
    )
    await waitUntil(async () => (await t.app.orderDomain.stock.levels(deal.dealId))?.remaining === 1, {
      timeoutMs: 10_000,
    })
    const events = await sql<{ event_name: string }>(
      t,
      `SELECT event_name FROM outbox_messages WHERE payload->>'dealId' = $1 ORDER BY created_at`,
      [deal.dealId],
    )
    assert.deepEqual(
      events.map((e) => e.event_name),
      ['order.placed.v1', 'stock.sold-out.v1', 'order.cancelled.v1', 'stock.restocked.v1'],
    )
    // The same buyer may buy again: the expired order no longer counts against the limit.
    assert.equal((await client(t)('POST', '/', { as: buyer, ...purchase(deal) })).statusCode, 201)
  })

  test('running the expiry again changes nothing', async () => {
    const deal = await seedDeal(t, { quantity: 2 })
    const { orderId } = (await client(t)('POST', '/', { as: buyerIdentity(), ...purchase(deal) })).json()
    await t.app.orderDomain.expiry.expire({ orderId })
    await t.app.orderDomain.expiry.expire({ orderId })
    assert.deepEqual(await t.app.orderDomain.stock.levels(deal.dealId), {
      quantity: 2,
      remaining: 2,
      reserved: 0,
      sold: 0,
    })
    const written = await sql<{ event_name: string }>(
      t,
      `SELECT event_name FROM outbox_messages WHERE event_name <> 'order.placed.v1' AND payload->>'orderId' = $1
       ORDER BY event_name`,
      [orderId],
    )
    assert.deepEqual(
      written.map((e) => e.event_name),
      ['order.cancelled.v1', 'payment.charge-requested.v1', 'payment.refund-requested.v1'],
    )
  })

  test('one job expires a whole placement batch: every order even if one of them fails, then the job fails to be retried', async () => {
    const deal = await seedDeal(t, { quantity: 3 })
    const place = async () =>
      (await client(t)('POST', '/', { as: buyerIdentity(), ...purchase(deal) })).json().orderId as string
    const [first, second] = [await place(), await place()]
    await assert.rejects(
      t.app.orderDomain.expiry.expireAll({ orderIds: [first, 'not-an-order-id', second] }),
      'the failing order fails the job',
    )
    const statuses = await sql<{ status: string }>(
      t,
      'SELECT status FROM orders WHERE id = ANY($1::uuid[])',
      [[first, second]],
    )
    assert.deepEqual(
      statuses.map((o) => o.status),
      ['CANCELLED', 'CANCELLED'],
    )
    // A job written before batches carried one order; it still runs.
    const third = await place()
    await t.app.orderDomain.expiry.expireAll({ orderId: third })
    assert.deepEqual(await t.app.orderDomain.stock.levels(deal.dealId), {
      quantity: 3,
      remaining: 3,
      reserved: 0,
      sold: 0,
    })
  })

  test('a job of a second of deadlines expires every unpaid order due by then, page after page, and none due later', async () => {
    const deal = await seedDeal(t, { quantity: 6 })
    const place = async () =>
      (await client(t)('POST', '/', { as: buyerIdentity(), ...purchase(deal) })).json().orderId as string
    const ids = [await place(), await place(), await place(), await place(), await place()]
    // Deadlines moved into the past (two of them equal, across a page boundary) and one far ahead;
    // the saga sweep leaves them alone for 30 s more.
    const now = Date.now()
    const deadlines = [now - 10_000, now - 9_000, now - 9_000, now - 8_000, now + 3_600_000]
    for (const [i, id] of ids.entries())
      await sql(t, 'UPDATE purchase_sagas SET deadline = $2 WHERE order_id = $1', [
        id,
        new Date(deadlines[i]!),
      ])
    const { orderDb: db, orderDomain } = t.app
    const expiry = new ReservationExpiry(db, orderDomain.sagas, new StockReturns(db, orderDomain.stock), 2)
    await expiry.expireAll({ dueBy: new Date(now - 7_000).toISOString() })
    const statuses = await sql<{ id: string; status: string }>(
      t,
      'SELECT id, status FROM orders WHERE id = ANY($1::uuid[])',
      [ids],
    )
    assert.deepEqual(
      ids.map((id) => statuses.find((o) => o.id === id)?.status),
      ['CANCELLED', 'CANCELLED', 'CANCELLED', 'CANCELLED', 'PENDING_PAYMENT'],
    )
    assert.equal((await orderDomain.stock.levels(deal.dealId))?.reserved, 1)
  })

  test('placing an order schedules the job of its deadline`s second first, once per second', async () => {
    const deal = await seedDeal(t, { quantity: 4 })
    const answers = await Promise.all(
      Array.from({ length: 4 }, () => client(t)('POST', '/', { as: buyerIdentity(), ...purchase(deal) })),
    )
    const ids = answers.map((a) => a.json().orderId as string)
    const [covered] = await sql<{ orders: number; jobs: number }>(
      t,
      `SELECT count(DISTINCT o.id)::int AS orders, count(DISTINCT j.id)::int AS jobs
         FROM orders o JOIN pgboss.job j ON j.name = 'order.reservation-expiry'
          AND (j.data->'data'->>'dueBy')::timestamptz >= o.reservation_expires_at
          AND (j.data->'data'->>'dueBy')::timestamptz < o.reservation_expires_at + interval '1 second'
        WHERE o.id = ANY($1::uuid[])`,
      [ids],
    )
    assert.equal(covered!.orders, 4)
    const [seconds] = await sql<{ n: number }>(
      t,
      `SELECT count(DISTINCT date_trunc('second', reservation_expires_at - interval '1 millisecond'))::int AS n
         FROM orders WHERE id = ANY($1::uuid[])`,
      [ids],
    )
    assert.equal(covered!.jobs, seconds!.n, 'one job per second of deadlines')
  })
})
