// Placing an order: the reservation, the durable order and its events, each refusal, and who
// may read the order afterwards.
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { orderPlacedV1, paymentChargeRequestedV1 } from '@deals/contracts'
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

  test('a reservation becomes a PENDING_PAYMENT order with its saga, the charge command, the job that expires it and its event', async () => {
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

  test('a burst of reservations is written in fewer transactions than orders, each order whole', async () => {
    const deal = await seedDeal(t, { quantity: 60 })
    const batchesBefore = await placementBatches()
    const answers = await Promise.all(
      Array.from({ length: 60 }, () => client(t)('POST', '/', { as: buyerIdentity(), ...purchase(deal) })),
    )
    assert.deepEqual(
      answers.map((a) => a.statusCode),
      answers.map(() => 201),
    )
    const ids = answers.map((a) => a.json().orderId as string)
    const batches = (await placementBatches()) - batchesBefore
    assert.ok(batches < 60, `60 orders in ${batches} transactions`)
    const [counts] = await sql<Record<string, number>>(
      t,
      `SELECT (SELECT count(*)::int FROM orders WHERE id = ANY($1::uuid[]) AND status = 'PENDING_PAYMENT') AS orders,
              (SELECT count(*)::int FROM purchase_sagas WHERE order_id = ANY($1::uuid[])) AS sagas,
              (SELECT count(*)::int FROM outbox_messages WHERE payload->>'orderId' = ANY($2::text[])
                 AND event_name = 'payment.charge-requested.v1') AS charges,
              (SELECT count(*)::int FROM outbox_messages WHERE payload->>'orderId' = ANY($2::text[])
                 AND event_name = 'order.placed.v1') AS placed,
              (SELECT count(*)::int FROM outbox_messages WHERE payload->>'dealId' = $3
                 AND event_name = 'stock.sold-out.v1') AS "soldOut",
              (SELECT count(*)::int FROM idempotency_records WHERE body::jsonb->>'orderId' = ANY($2::text[])) AS answers,
              (SELECT count(*)::int FROM orders o WHERE o.id = ANY($1::uuid[]) AND EXISTS (
                 SELECT 1 FROM pgboss.job j WHERE j.name = 'order.reservation-expiry'
                   AND (j.data->'data'->>'dueBy')::timestamptz >= o.reservation_expires_at)) AS "expiring"`,
      [ids, ids, deal.dealId],
    )
    assert.deepEqual(counts, {
      orders: 60,
      sagas: 60,
      charges: 60,
      placed: 60,
      soldOut: 1,
      answers: 60,
      expiring: 60,
    })
    const placed = await sql<{ payload: unknown }>(
      t,
      `SELECT payload FROM outbox_messages WHERE event_name = 'order.placed.v1' AND payload->>'dealId' = $1`,
      [deal.dealId],
    )
    for (const { payload } of placed) orderPlacedV1.payload.parse(payload)
    const stock = await client(t)('GET', `/deals/${deal.dealId}/stock`)
    assert.deepEqual(stock.json(), { quantity: 60, remaining: 0, reserved: 60, sold: 0 })
  })

  test('an order of a burst that cannot be written fails alone: its units go back, the others stand', async () => {
    const deal = await seedDeal(t, { quantity: 10 })
    const taken = { buyer: buyerIdentity(), key: randomUUID() }
    // An answer kept in PostgreSQL for another body, under a key Redis no longer remembers.
    await sql(
      t,
      `INSERT INTO idempotency_records (user_id, scope, key, request_hash, status_code, body)
       SELECT $1::uuid, scope, $2, 'another body', 201, '{}' FROM idempotency_records LIMIT 1`,
      [taken.buyer.userId, taken.key],
    )
    const others = Array.from({ length: 5 }, () =>
      client(t)('POST', '/', { as: buyerIdentity(), ...purchase(deal) }),
    )
    const reused = client(t)('POST', '/', { as: taken.buyer, ...purchase(deal, {}, taken.key) })
    const [refused, ...placedAnswers] = await Promise.all([reused, ...others])
    assert.equal(refused!.statusCode, 422, refused!.body)
    assert.equal(refused!.json().code, 'IDEMPOTENCY_KEY_REUSED')
    assert.deepEqual(
      placedAnswers.map((a) => a.statusCode),
      [201, 201, 201, 201, 201],
    )
    const orders = await sql(t, 'SELECT user_id FROM orders WHERE deal_id = $1', [deal.dealId])
    assert.equal(orders.length, 5)
    assert.ok(!orders.some((o) => o.user_id === taken.buyer.userId))
    const stock = await client(t)('GET', `/deals/${deal.dealId}/stock`)
    assert.deepEqual(stock.json(), { quantity: 10, remaining: 5, reserved: 5, sold: 0 })
  })

  test('a reservation whose deal has no row in PostgreSQL is refused with 503 and its units go back', async () => {
    const deal = await seedDeal(t, { quantity: 4 })
    await sql(t, 'DELETE FROM deals WHERE id = $1', [deal.dealId])
    const res = await client(t)('POST', '/', { as: buyerIdentity(), ...purchase(deal) })
    assert.equal(res.statusCode, 503, res.body)
    assert.equal(res.json().code, 'ORDER_NOT_SAVED')
    const stock = await t.app.orderDomain.stock.levels(deal.dealId)
    assert.equal(stock?.reserved, 0)
    assert.equal(stock?.remaining, 4)
  })

  async function placementBatches(): Promise<number> {
    const text = (await t.app.inject({ method: 'GET', url: '/metrics' })).body
    const line = text.split('\n').find((l) => l.startsWith('order_placement_batch_size_count'))
    return Number(line?.split(' ')[1] ?? 0)
  }
})
