// HEAVY (about a minute): the order service is a child process, killed with SIGKILL in the middle
// of a burst of purchases and started again. Every 201 it answered has its order in PostgreSQL,
// and once the reservations lapse Redis holds no reserved unit without a live order:
// reserved == units of pending orders, and remaining + reserved + sold == quantity.
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { spawn, type ChildProcess } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { once } from 'node:events'
import { createServer } from 'node:net'
import { fileURLToPath } from 'node:url'
import { Agent, fetch } from 'undici'
import { waitUntil } from '@deals/messaging/testing'
import { buyerIdentity } from '@deals/contracts/testing'
import { gatewayHeaders } from '@deals/service-kit/testing'
import { stockKeys } from '../../src/domain/inventory/stock-keys.ts'
import { seedDeal, sql, startTestOrderApp, type TestOrderApp } from '../support/test-order-app.ts'

const MAIN = fileURLToPath(new URL('../../src/main.ts', import.meta.url))
const TTL_SECONDS = 5

async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1')
  await once(server, 'listening')
  const { port } = server.address() as { port: number }
  server.close()
  return port
}

describe('a SIGKILL in the middle of a burst', () => {
  let t: TestOrderApp
  let child: ChildProcess | undefined
  const agent = new Agent({ connections: 50 })
  let stderr = ''

  before(async () => {
    t = await startTestOrderApp({ RESERVATION_TTL_SECONDS: String(TTL_SECONDS) })
  })
  after(async () => {
    child?.kill('SIGKILL')
    await agent.close()
    await t.close()
  })

  async function startService(): Promise<string> {
    const port = await freePort()
    // Without NODE_TEST_CONTEXT: the service must not think it is a test file of this run.
    const { NODE_TEST_CONTEXT: _, ...inherited } = process.env
    child = spawn(process.execPath, ['--import', 'tsx', MAIN], {
      env: { ...inherited, ...t.env, HOST: '127.0.0.1', PORT: String(port), LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'ignore', 'pipe'],
    })
    child.stderr!.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)))
    const url = `http://127.0.0.1:${port}`
    const ready = async () => (await fetch(`${url}/readyz`).catch(() => null))?.status === 200
    await waitUntil(ready, { timeoutMs: 60_000 }).catch(() =>
      assert.fail(`the service did not become ready:\n${stderr}`),
    )
    return url
  }

  test('every 201 survives, and no unit stays reserved without an order', async () => {
    const quantity = 200
    const deal = await seedDeal(t, { quantity, perUserLimit: 1 })
    await t.stop()

    const url = await startService()
    const exited = once(child!, 'exit')
    const answered: string[] = []
    let killed = false
    const buy = async () => {
      const res = await fetch(`${url}/`, {
        method: 'POST',
        headers: {
          ...gatewayHeaders(buyerIdentity()),
          'content-type': 'application/json',
          'idempotency-key': randomUUID(),
        },
        body: JSON.stringify({ dealId: deal.dealId, quantity: 1, paymentMethod: 'PG' }),
        dispatcher: agent,
      })
      const body = (await res.json()) as { orderId?: string }
      if (res.status === 201 && body.orderId) answered.push(body.orderId)
    }
    let sent = 0
    await Promise.all(
      Array.from({ length: 40 }, async () => {
        while (!killed && sent < quantity) {
          sent++
          await buy().catch(() => {})
          if (answered.length >= 30 && !killed) {
            killed = true
            child!.kill('SIGKILL')
          }
        }
      }),
    )
    assert.ok(killed, `the service answered only ${answered.length} orders before the burst ended`)
    await exited

    await startService()
    const orders = await sql<{ id: string }>(t, 'SELECT id FROM orders WHERE deal_id = $1', [deal.dealId])
    const saved = new Set(orders.map((o) => o.id))
    for (const id of answered) assert.ok(saved.has(id), `order ${id} was answered 201 but is not saved`)

    const counters = async () => {
      const [q, remaining, reserved, sold] = (
        await t.redis.hmget(stockKeys(deal.dealId).stock, 'quantity', 'remaining', 'reserved', 'sold')
      ).map(Number) as [number, number, number, number]
      const [pending] = await sql<{ units: number }>(
        t,
        `SELECT coalesce(sum(quantity), 0)::int AS units FROM orders WHERE deal_id = $1 AND status = 'PENDING_PAYMENT'`,
        [deal.dealId],
      )
      return { quantity: q, remaining, reserved, sold, pending: pending!.units }
    }
    // Pending orders expire after TTL; reservations whose order never committed are swept.
    await waitUntil(
      async () => {
        const c = await counters()
        return c.reserved === 0 && c.pending === 0
      },
      { timeoutMs: 60_000 },
    ).catch(async () => assert.fail(`did not settle: ${JSON.stringify(await counters())}\n${stderr}`))
    const settled = await counters()
    assert.equal(settled.reserved, settled.pending)
    assert.equal(settled.remaining + settled.reserved + settled.sold, quantity)
    assert.equal(settled.remaining, quantity)
    const cancelled = await sql(t, `SELECT 1 FROM orders WHERE deal_id = $1 AND cancel_reason = 'EXPIRED'`, [
      deal.dealId,
    ])
    assert.equal(cancelled.length, saved.size)
  })
})
