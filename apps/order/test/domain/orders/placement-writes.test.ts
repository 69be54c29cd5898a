// The write of a batch of purchases is bounded: it waits at most PLACEMENT_WRITE_BOUNDS.maxWait
// for a connection and each of its statements runs at most a third of PLACEMENT_WRITE_BOUNDS.timeout
// (their sum is what the stock rebuild waits for), and a write that fails leaves nothing behind.
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import pg from 'pg'
import {
  PLACEMENT_WRITE_BOUNDS,
  placementWrites,
  type PendingPlacement,
} from '../../../src/domain/orders/placement-writes.ts'
import { seedDeal, sql, startTestOrderApp, type TestOrderApp } from '../../support/test-order-app.ts'

describe('placement writes', () => {
  let t: TestOrderApp
  before(async () => {
    t = await startTestOrderApp()
  })
  after(() => t.close())

  const pending = (dealId: string): PendingPlacement => {
    const orderId = randomUUID()
    return {
      orderId,
      userId: randomUUID(),
      request: { dealId, quantity: 1, paymentMethod: 'WALLET' },
      claim: { userId: randomUUID(), scope: 'POST /', key: randomUUID(), requestHash: 'hash' },
      answer: {
        statusCode: 201,
        contentType: 'application/json; charset=utf-8',
        body: JSON.stringify({ orderId, status: 'PENDING_PAYMENT' }),
      },
      deadline: new Date(Date.now() + 600_000),
      soldOut: false,
      requestedAt: new Date(),
      traceHeaders: {},
    }
  }
  const ordersOf = async (ids: string[]) =>
    (
      await sql<{ n: number }>(t, 'SELECT count(*)::int AS n FROM orders WHERE id = ANY($1::uuid[])', [ids])
    )[0]!.n

  test('a batch is written whole: its orders and one expiry job for all of them', async () => {
    const deal = await seedDeal(t)
    const batch = [pending(deal.dealId), pending(deal.dealId)]
    const results = await placementWrites(t.app.orderPool, t.app.jobs)(batch)
    assert.deepEqual(results, [undefined, undefined])
    assert.equal(await ordersOf(batch.map((p) => p.orderId)), 2)
    const [jobs] = await sql<{ n: number }>(
      t,
      `SELECT count(*)::int AS n FROM pgboss.job WHERE name = 'order.reservation-expiry'
         AND data->'data'->'orderIds' ?& $1::text[]`,
      [batch.map((p) => p.orderId)],
    )
    assert.equal(jobs!.n, 1)
  })

  test('a statement held up past its third of the write timeout fails the write, and nothing of it stays', async () => {
    const deal = await seedDeal(t)
    const blocker = new pg.Client({ connectionString: t.database.url })
    await blocker.connect()
    try {
      await blocker.query('BEGIN')
      await blocker.query('LOCK TABLE orders IN ACCESS EXCLUSIVE MODE')
      const batch = [pending(deal.dealId)]
      const started = Date.now()
      await assert.rejects(placementWrites(t.app.orderPool, t.app.jobs)(batch), /statement timeout/)
      const took = Date.now() - started
      assert.ok(took < PLACEMENT_WRITE_BOUNDS.timeout, `gave up after ${took} ms`)
      await blocker.query('ROLLBACK')
      assert.equal(await ordersOf([batch[0]!.orderId]), 0)
    } finally {
      await blocker.end()
    }
  })

  test('no connection within the wait bound fails the write; the connection, once free, goes back', async () => {
    const deal = await seedDeal(t)
    const pool = new pg.Pool({ connectionString: t.database.url, max: 1 })
    try {
      const held = await pool.connect()
      const started = Date.now()
      await assert.rejects(
        placementWrites(pool, t.app.jobs)([pending(deal.dealId)]),
        /no database connection for the order write/,
      )
      assert.ok(Date.now() - started >= PLACEMENT_WRITE_BOUNDS.maxWait - 50)
      held.release()
      // The connection the timed-out write was waiting for was handed back, not kept.
      const batch = [pending(deal.dealId)]
      assert.deepEqual(await placementWrites(pool, t.app.jobs)(batch), [undefined])
      assert.equal(await ordersOf([batch[0]!.orderId]), 1)
    } finally {
      await pool.end()
    }
  })
})
