// Steps the lifecycle, seller and cart tests share: placing and paying an order (through the
// payment double), moving an order's times into the past to simulate their passing, reading its
// rows, events and stock.
import { randomUUID } from 'node:crypto'
import assert from 'node:assert/strict'
import type { Identity } from '@deals/contracts'
import { waitUntil } from '@deals/messaging/testing'
import { stockKeys } from '../../src/domain/inventory/stock-keys.ts'
import { PaymentDouble } from './payment-double.ts'
import { client, sql, type TestOrderApp } from './test-order-app.ts'

const doubles = new WeakMap<TestOrderApp, Promise<PaymentDouble>>()

/**
 * The run's payment double, started on first use; it holds every charge until told how to answer,
 * so orders placed without `paidOrder` stay PENDING_PAYMENT.
 */
export function paymentDoubleOf(t: TestOrderApp): Promise<PaymentDouble> {
  let double = doubles.get(t)
  if (!double) {
    double = PaymentDouble.start(t)
    doubles.set(t, double)
  }
  return double
}

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

/** Places an order, has the payment double charge it, and waits until it is PAID and its units sold. */
export async function paidOrder(
  t: TestOrderApp,
  deal: { dealId: string },
  buyer: Identity,
  quantity = 1,
): Promise<string> {
  const double = await paymentDoubleOf(t)
  const orderId = await placeOrder(t, deal, buyer, quantity)
  await double.answer(orderId, 'succeed')
  await untilSettled(t, orderId, 'PAID')
  return orderId
}

/** Waits until the order reached `status` and Redis holds no reservation of it any more. */
export async function untilSettled(t: TestOrderApp, orderId: string, status: string, timeoutMs = 15_000) {
  await waitUntil(
    async () => {
      const [row] = await sql<{ status: string; deal_id: string | null }>(
        t,
        'SELECT status, deal_id FROM orders WHERE id = $1',
        [orderId],
      )
      if (row?.status !== status) return false
      return !row.deal_id || !(await t.redis.hexists(stockKeys(row.deal_id).reservations, orderId))
    },
    { timeoutMs, intervalMs: 50, message: `order ${orderId} ${status} and settled in Redis` },
  )
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

/** The events the order wrote to the outbox, oldest first (without the saga's payment commands). */
export async function eventsOf(t: TestOrderApp, orderId: string) {
  return sql<{ event_name: string; payload: Record<string, unknown> }>(
    t,
    `SELECT event_name, payload FROM outbox_messages
     WHERE payload->>'orderId' = $1 AND event_name NOT LIKE 'payment.%' ORDER BY created_at, id`,
    [orderId],
  )
}

/** The saga's commands to the payment service for the order, in the outbox, oldest first. */
export async function commandsOf(t: TestOrderApp, orderId: string, name?: string) {
  return sql<{ id: string; event_name: string; payload: Record<string, unknown> }>(
    t,
    `SELECT id, event_name, payload FROM outbox_messages
     WHERE payload->>'orderId' = $1 AND event_name LIKE 'payment.%' AND ($2::text IS NULL OR event_name = $2)
     ORDER BY created_at, id`,
    [orderId, name ?? null],
  )
}

/** Waits until the order service's reply consumer has taken the message (applied or dropped). */
export async function untilConsumed(t: TestOrderApp, messageId: string, timeoutMs = 10_000) {
  await waitUntil(
    async () =>
      (
        await sql(
          t,
          `SELECT 1 FROM inbox_messages WHERE consumer = 'order.payment-replies' AND message_id = $1`,
          [messageId],
        )
      ).length > 0,
    { timeoutMs, message: `reply ${messageId} consumed` },
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
