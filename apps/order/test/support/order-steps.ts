// Steps the lifecycle, seller and cart tests share: placing and paying an order, moving an
// order's times into the past to simulate their passing, reading its rows, events and stock.
import { randomUUID } from 'node:crypto'
import assert from 'node:assert/strict'
import type { Identity } from '@deals/contracts'
import { client, sql, type TestOrderApp } from './test-order-app.ts'

/** Places an order for `buyer` and returns its id. */
export async function placeOrder(
  t: TestOrderApp,
  deal: { dealId: string },
  buyer: Identity,
  quantity = 1,
): Promise<string> {
  const res = await client(t)('POST', '/', {
    as: buyer,
    body: { dealId: deal.dealId, quantity, paymentMethod: 'WALLET' },
    headers: { 'idempotency-key': randomUUID() },
  })
  assert.equal(res.statusCode, 201, res.body)
  return res.json().orderId
}

/** Places an order and pays it through the saga's hook. */
export async function paidOrder(
  t: TestOrderApp,
  deal: { dealId: string },
  buyer: Identity,
  quantity = 1,
): Promise<string> {
  const orderId = await placeOrder(t, deal, buyer, quantity)
  await t.app.orderLifecycle.lifecycle.markPaid(orderId, { paymentId: `pay-${orderId}`, paidAt: new Date() })
  return orderId
}

const TIME_COLUMNS = ['paid_at', 'shipped_at', 'delivered_at'] as const

/** Moves one of an order's times `ms` into the past. */
export async function age(
  t: TestOrderApp,
  orderId: string,
  column: (typeof TIME_COLUMNS)[number],
  ms: number,
): Promise<void> {
  assert.ok(TIME_COLUMNS.includes(column))
  await sql(t, `UPDATE orders SET ${column} = ${column} - make_interval(secs => $2) WHERE id = $1`, [
    orderId,
    ms / 1000,
  ])
}

/** Sets an order's status straight in the database, for states the schedule would take a day to reach. */
export async function forceStatus(
  t: TestOrderApp,
  orderId: string,
  status: 'SHIPPING' | 'DELIVERED',
): Promise<void> {
  await sql(
    t,
    `UPDATE orders SET status = $2::"OrderStatus", version = version + 1,
       shipped_at = coalesce(shipped_at, now()),
       delivered_at = CASE WHEN $2 = 'DELIVERED' THEN now() ELSE delivered_at END
     WHERE id = $1`,
    [orderId, status],
  )
}

/** The events the order wrote to the outbox, oldest first. */
export async function eventsOf(t: TestOrderApp, orderId: string) {
  return sql<{ event_name: string; payload: Record<string, unknown> }>(
    t,
    `SELECT event_name, payload FROM outbox_messages WHERE payload->>'orderId' = $1 ORDER BY created_at, id`,
    [orderId],
  )
}

export async function orderRow(t: TestOrderApp, orderId: string) {
  const [row] = await sql(t, 'SELECT * FROM orders WHERE id = $1', [orderId])
  assert.ok(row, `order ${orderId} exists`)
  return row
}

export async function stockOf(t: TestOrderApp, dealId: string) {
  const res = await client(t)('GET', `/deals/${dealId}/stock`)
  assert.equal(res.statusCode, 200, res.body)
  return res.json() as { quantity: number; remaining: number; reserved: number; sold: number }
}
