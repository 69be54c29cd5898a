// The write of a batch of purchases is one statement after its expiry job, and it is bounded: it
// waits at most PLACEMENT_WRITE_BOUNDS.maxWait for a connection and its statement runs at most
// PLACEMENT_WRITE_BOUNDS.timeout (their sum is what the stock rebuild waits for), and a write
// that fails leaves nothing behind.
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import pg from 'pg'
import {
  PLACEMENT_WRITE_BOUNDS,
  placementPoolConfig,
  placementWrites,
  type PendingPlacement,
} from '../../../src/domain/orders/placement-writes.ts'
import { ExpiryJobs } from '../../../src/domain/orders/reservation-expiry.ts'
import { seedDeal, sql, startTestOrderApp, type TestOrderApp } from '../../support/test-order-app.ts'

describe('placement writes', () => {
  let t: TestOrderApp
  let expiry: ExpiryJobs
  before(async () => {
    t = await startTestOrderApp()
    expiry = new ExpiryJobs(t.app.jobs)
  })
  after(() => t.close())

  const pending = (dealId: string, deadline = new Date(Date.now() + 600_000)): PendingPlacement => {
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
      deadline,
      soldOut: false,
      requestedAt: new Date(),
      traceHeaders: {},
    }
  }
  const ordersOf = async (ids: string[]) =>
    (
      await sql<{ n: number }>(t, 'SELECT count(*)::int AS n FROM orders WHERE id = ANY($1::uuid[])', [ids])
    )[0]!.n

  test('a batch is written whole, after the job that will expire its orders; a second batch of the same second adds no job', async () => {
    const deal = await seedDeal(t)
    const deadline = new Date(Math.floor(Date.now() / 1000) * 1000 + 600_500)
    const batch = [pending(deal.dealId, deadline), pending(deal.dealId, deadline)]
    assert.deepEqual(await placementWrites(t.app.placementPool, expiry)(batch), [undefined, undefined])
    assert.equal(await ordersOf(batch.map((p) => p.orderId)), 2)
    const again = [pending(deal.dealId, new Date(deadline.getTime() + 300))]
    assert.deepEqual(await placementWrites(t.app.placementPool, new ExpiryJobs(t.app.jobs))(again), [
      undefined,
    ])
    const jobs = await sql<{ due_by: string }>(
      t,
      `SELECT data->'data'->>'dueBy' AS due_by FROM pgboss.job WHERE name = 'order.reservation-expiry'
         AND (data->'data'->>'dueBy')::timestamptz BETWEEN $1 AND $1::timestamptz + interval '1 second'`,
      [deadline],
    )
    assert.deepEqual(
      jobs.map((j) => j.due_by),
      [new Date(deadline.getTime() + 500).toISOString()],
      'one job, due at the end of the deadlines` second',
    )
  })

  test('no order is written if its expiry job cannot be scheduled', async () => {
    const deal = await seedDeal(t)
    const failing = { cover: () => Promise.reject(new Error('scheduler down')) } as unknown as ExpiryJobs
    const batch = [pending(deal.dealId)]
    await assert.rejects(placementWrites(t.app.placementPool, failing)(batch), /scheduler down/)
    assert.equal(await ordersOf([batch[0]!.orderId]), 0)
  })

  test('a statement held up past the write timeout fails the write, nothing of it stays, and the connection serves the next', async () => {
    const deal = await seedDeal(t)
    const pool = new pg.Pool(placementPoolConfig(t.database.url, 1))
    const blocker = new pg.Client({ connectionString: t.database.url })
    await blocker.connect()
    try {
      await blocker.query('BEGIN')
      await blocker.query('LOCK TABLE orders IN ACCESS EXCLUSIVE MODE')
      const batch = [pending(deal.dealId)]
      // Refused while the lock is still held: PostgreSQL ended the statement, not the blocker.
      await assert.rejects(placementWrites(pool, expiry)(batch), /statement timeout/)
      await blocker.query('ROLLBACK')
      assert.equal(await ordersOf([batch[0]!.orderId]), 0)
      const next = [pending(deal.dealId)]
      assert.deepEqual(await placementWrites(pool, expiry)(next), [undefined])
      assert.equal(await ordersOf([next[0]!.orderId]), 1)
      assert.equal(pool.totalCount, 1, 'the same connection')
    } finally {
      await blocker.end()
      await pool.end()
    }
  })

  test('no connection within the wait bound fails the write; the connection, once free, goes back', async () => {
    const deal = await seedDeal(t)
    const pool = new pg.Pool(placementPoolConfig(t.database.url, 1))
    try {
      const held = await pool.connect()
      const started = Date.now()
      await assert.rejects(
        placementWrites(pool, expiry)([pending(deal.dealId)]),
        /no database connection for the order write/,
      )
      assert.ok(Date.now() - started >= PLACEMENT_WRITE_BOUNDS.maxWait - 50)
      held.release()
      // The connection the timed-out write was waiting for was handed back, not kept.
      const batch = [pending(deal.dealId)]
      assert.deepEqual(await placementWrites(pool, expiry)(batch), [undefined])
      assert.equal(await ordersOf([batch[0]!.orderId]), 1)
    } finally {
      await pool.end()
    }
  })
})
