// Placing an order: the reservation, the durable order and its events, each refusal, and who
// may read the order afterwards.
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { paymentChargeRequestedV1 } from '@deals/contracts'
import { adminIdentity, buyerIdentity, sellerIdentity } from '@deals/contracts/testing'
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

  const outbox = async (dealId: string) =>
    (
      await sql<{ event_name: string }>(
        t,
        `SELECT event_name FROM outbox_messages WHERE payload->>'dealId' = $1 ORDER BY created_at`,
        [dealId],
      )
    ).map((e) => e.event_name)

  test('a reservation becomes a PENDING_PAYMENT order with its saga, the charge command, expiry job and event', async () => {
    const deal = await seedDeal(t, { quantity: 3 })
    const buyer = buyerIdentity()
    const res = await client(t)('POST', '/', { as: buyer, ...purchase(deal, { quantity: 1 }) })
    assert.equal(res.statusCode, 201, res.body)
    const { orderId, status } = res.json()
    assert.equal(status, 'PENDING_PAYMENT')
    const [order] = await sql(t, 'SELECT * FROM orders WHERE id = $1', [orderId])
    assert.equal(order!.user_id, buyer.userId)
    assert.equal(order!.seller_id, deal.sellerId)
    assert.equal(order!.amount, 9900)
    const [saga] = await sql(t, 'SELECT state, deadline FROM purchase_sagas WHERE order_id = $1', [orderId])
    assert.equal(saga!.state, 'PAYMENT_REQUESTED')
    assert.equal((saga!.deadline as Date).getTime(), (order!.reservation_expires_at as Date).getTime())
    const [charge] = await sql<{ payload: unknown; headers: unknown }>(
      t,
      `SELECT payload, headers FROM outbox_messages WHERE event_name = 'payment.charge-requested.v1' AND payload->>'orderId' = $1`,
      [orderId],
    )
    const command = paymentChargeRequestedV1.payload.parse(charge!.payload)
    assert.deepEqual(
      { ...command, requestedAt: undefined },
      {
        orderId,
        userId: buyer.userId,
        sellerId: deal.sellerId,
        amount: 9900,
        method: 'WALLET',
        productName: deal.productName,
        payBy: (order!.reservation_expires_at as Date).toISOString(),
        requestedAt: undefined,
      },
    )
    assert.equal(await t.app.jobs.pending('order.reservation-expiry'), 1)
    assert.deepEqual(await outbox(deal.dealId), ['order.placed.v1'])
    const [placed] = await sql<{ payload: Record<string, unknown> }>(
      t,
      `SELECT payload FROM outbox_messages WHERE event_name = 'order.placed.v1' AND payload->>'orderId' = $1`,
      [orderId],
    )
    assert.equal(placed!.payload.sellerId, deal.sellerId)
    assert.equal(placed!.payload.amount, 9900)
    const stock = await client(t)('GET', `/deals/${deal.dealId}/stock`)
    assert.deepEqual(stock.json(), { quantity: 3, remaining: 2, reserved: 1, sold: 0 })
  })

  test('the buyer who takes the last unit causes stock.sold-out.v1; the next buyer gets SOLD_OUT without a row written', async () => {
    const deal = await seedDeal(t, { quantity: 2, perUserLimit: 2 })
    const first = await client(t)('POST', '/', { as: buyerIdentity(), ...purchase(deal, { quantity: 2 }) })
    assert.equal(first.statusCode, 201, first.body)
    assert.deepEqual(await outbox(deal.dealId), ['order.placed.v1', 'stock.sold-out.v1'])
    const [{ count: before }] = (await sql(t, 'SELECT count(*)::int AS count FROM idempotency_records')) as [
      { count: number },
    ]
    const late = await client(t)('POST', '/', { as: buyerIdentity(), ...purchase(deal) })
    assert.equal(late.statusCode, 409)
    assert.equal(late.json().code, 'SOLD_OUT')
    assert.match(String(late.headers['content-type']), /^application\/problem\+json/)
    const [{ count: afterwards }] = (await sql(
      t,
      'SELECT count(*)::int AS count FROM idempotency_records',
    )) as [{ count: number }]
    assert.equal(afterwards, before)
    assert.equal((await sql(t, 'SELECT 1 FROM orders WHERE deal_id = $1', [deal.dealId])).length, 1)
  })

  test('a buyer cannot go over the per-user limit, across orders', async () => {
    const deal = await seedDeal(t, { quantity: 10, perUserLimit: 3 })
    const buyer = buyerIdentity()
    assert.equal(
      (await client(t)('POST', '/', { as: buyer, ...purchase(deal, { quantity: 2 }) })).statusCode,
      201,
    )
    const over = await client(t)('POST', '/', { as: buyer, ...purchase(deal, { quantity: 2 }) })
    assert.equal(over.statusCode, 409)
    assert.equal(over.json().code, 'PURCHASE_LIMIT_EXCEEDED')
    assert.equal(
      (await client(t)('POST', '/', { as: buyer, ...purchase(deal, { quantity: 1 }) })).statusCode,
      201,
    )
  })

  test('a deal that has not started, has ended or is suspended is not open', async () => {
    const hour = 3_600_000
    const deals = [
      await seedDeal(t, {
        status: 'SCHEDULED',
        startsAt: new Date(Date.now() + hour).toISOString(),
        endsAt: new Date(Date.now() + 2 * hour).toISOString(),
      }),
      await seedDeal(t, {
        status: 'OPEN',
        startsAt: new Date(Date.now() - 2 * hour).toISOString(),
        endsAt: new Date(Date.now() - 1000).toISOString(),
      }),
      await seedDeal(t, { status: 'SUSPENDED' }),
      await seedDeal(t, { status: 'ENDED' }),
    ]
    for (const deal of deals) {
      const res = await client(t)('POST', '/', { as: buyerIdentity(), ...purchase(deal) })
      assert.equal(res.statusCode, 409, deal.status)
      assert.equal(res.json().code, 'DEAL_NOT_OPEN', deal.status)
    }
  })

  test('an unknown deal is 404 DEAL_NOT_FOUND, for orders and for stock', async () => {
    const unknown = { dealId: randomUUID() }
    const res = await client(t)('POST', '/', { as: buyerIdentity(), ...purchase(unknown) })
    assert.equal(res.statusCode, 404)
    assert.equal(res.json().code, 'DEAL_NOT_FOUND')
    const stock = await client(t)('GET', `/deals/${unknown.dealId}/stock`)
    assert.equal(stock.statusCode, 404)
  })

  test('an order is visible to its buyer, the deal’s seller and admins; to anyone else it does not exist', async () => {
    const seller = sellerIdentity()
    const deal = await seedDeal(t, { sellerId: seller.sellerId! })
    const buyer = buyerIdentity()
    const { orderId } = (await client(t)('POST', '/', { as: buyer, ...purchase(deal) })).json()
    for (const who of [buyer, seller, adminIdentity()]) {
      const res = await client(t)('GET', `/${orderId}`, { as: who })
      assert.equal(res.statusCode, 200, res.body)
      assert.equal(res.json().dealId, deal.dealId)
    }
    for (const who of [buyerIdentity(), sellerIdentity()]) {
      const res = await client(t)('GET', `/${orderId}`, { as: who })
      assert.equal(res.statusCode, 404)
      assert.equal(res.json().code, 'ORDER_NOT_FOUND')
    }
  })

  test('my orders come newest first, a page at a time', async () => {
    const buyer = buyerIdentity()
    const ids: string[] = []
    for (let i = 0; i < 3; i++) {
      const deal = await seedDeal(t)
      ids.unshift((await client(t)('POST', '/', { as: buyer, ...purchase(deal) })).json().orderId)
    }
    const first = (await client(t)('GET', '/?limit=2', { as: buyer })).json()
    assert.deepEqual(
      first.items.map((o: { id: string }) => o.id),
      ids.slice(0, 2),
    )
    const second = (await client(t)('GET', `/?limit=2&cursor=${first.nextCursor}`, { as: buyer })).json()
    assert.deepEqual(
      second.items.map((o: { id: string }) => o.id),
      ids.slice(2),
    )
    assert.equal(second.nextCursor, null)
    const none = (await client(t)('GET', '/?status=PAID', { as: buyer })).json()
    assert.deepEqual(none.items, [])
  })
})
