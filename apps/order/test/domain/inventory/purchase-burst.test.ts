// HEAVY (10-30 s on an idle machine, minutes when the two cores are shared): the hot path under
// real concurrency, through HTTP. Buyers race for a deal; afterwards PostgreSQL holds exactly as
// many orders as there were units, no buyer went over the per-user limit, and Redis accounts for
// every unit: sold + reserved + remaining = quantity.
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { Agent, fetch } from 'undici'
import type { Identity } from '@deals/contracts'
import { buyerIdentity } from '@deals/contracts/testing'
import { gatewayHeaders } from '@deals/service-kit/testing'
import { seedDeal, sql, startTestOrderApp, type TestOrderApp } from '../../support/test-order-app.ts'

/** Requests in flight at once: enough to contend, few enough for two shared cores. */
const PARALLEL = 100

describe('a burst of buyers on one deal', () => {
  let t: TestOrderApp
  let baseUrl: string
  const agent = new Agent({ connections: PARALLEL, pipelining: 1 })
  before(async () => {
    t = await startTestOrderApp({ LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent' })
    baseUrl = await t.app.listen({ host: '127.0.0.1', port: 0 })
  })
  after(async () => {
    await agent.close()
    await t.close()
  })

  /** One buyer's attempt; like a real client it retries a 503 with the same Idempotency-Key. */
  async function buy(buyer: Identity, dealId: string): Promise<number> {
    const key = randomUUID()
    for (let attempt = 1; ; attempt++) {
      const res = await fetch(`${baseUrl}/`, {
        method: 'POST',
        headers: { ...gatewayHeaders(buyer), 'content-type': 'application/json', 'idempotency-key': key },
        body: JSON.stringify({ dealId, quantity: 1, paymentMethod: 'WALLET' }),
        dispatcher: agent,
      })
      await res.arrayBuffer()
      if (res.status !== 503 || attempt === 5) return res.status
      await new Promise((resolve) => setTimeout(resolve, 200 * attempt))
    }
  }

  /** Fires every attempt with PARALLEL of them in flight, and counts the answers by status. */
  async function burst(attempts: Identity[], dealId: string): Promise<Map<number, number>> {
    const statuses = new Map<number, number>()
    let next = 0
    await Promise.all(
      Array.from({ length: PARALLEL }, async () => {
        while (next < attempts.length) {
          const status = await buy(attempts[next++]!, dealId)
          statuses.set(status, (statuses.get(status) ?? 0) + 1)
        }
      }),
    )
    return statuses
  }

  async function settled(dealId: string, quantity: number) {
    const orders = await sql<{ user_id: string; n: number }>(
      t,
      `SELECT user_id, count(*)::int AS n FROM orders WHERE deal_id = $1 GROUP BY user_id`,
      [dealId],
    )
    const stock = await t.app.orderDomain.stock.levels(dealId)
    assert.ok(stock)
    assert.equal(stock.sold + stock.reserved + stock.remaining, quantity)
    const total = orders.reduce((sum, o) => sum + o.n, 0)
    assert.equal(stock.reserved, total, 'every reserved unit has its order')
    return { orders, stock, total }
  }

  test('2,000 attempts by 1,000 buyers on 300 units sell exactly 300, one per buyer', async () => {
    const deal = await seedDeal(t, { quantity: 300, perUserLimit: 1 })
    const buyers = Array.from({ length: 1000 }, () => buyerIdentity())
    const attempts = [...buyers, ...buyers].sort(() => Math.random() - 0.5)
    const statuses = await burst(attempts, deal.dealId)
    assert.equal(statuses.get(201), 300, JSON.stringify([...statuses]))
    assert.equal((statuses.get(409) ?? 0) + 300, 2000, JSON.stringify([...statuses]))
    const { orders, stock, total } = await settled(deal.dealId, 300)
    assert.equal(total, 300)
    assert.ok(
      orders.every((o) => o.n === 1),
      'no buyer has two orders',
    )
    assert.deepEqual(stock, { quantity: 300, remaining: 0, reserved: 300, sold: 0 })
  })

  test('with more stock than demand every buyer gets one, and only one', async () => {
    const deal = await seedDeal(t, { quantity: 1000, perUserLimit: 1 })
    const buyers = Array.from({ length: 200 }, () => buyerIdentity())
    const statuses = await burst([...buyers, ...buyers], deal.dealId)
    assert.equal(statuses.get(201), 200, JSON.stringify([...statuses]))
    const { orders, stock } = await settled(deal.dealId, 1000)
    assert.equal(orders.length, 200)
    assert.ok(orders.every((o) => o.n === 1))
    assert.equal(stock.remaining, 800)
  })
})
