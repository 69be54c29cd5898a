// Steps shared by the saga checks: a deal the order service knows, buyers with topped-up wallets,
// bursts of purchases, waiting for every saga to end, and the invariants that must then hold.
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { buyerIdentity } from '@deals/contracts/testing'
import type { Identity } from '@deals/contracts'
import { announceDeal, type AnnouncedDeal } from '@deals/ops-check/deal-announcement'
import type { PurchaseStack } from './purchase-stack.ts'

export interface Buyer {
  identity: Identity
  topUp: number
}

export async function eventually<T>(
  what: string,
  probe: () => Promise<T | undefined | false>,
  timeoutMs = 60_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await probe().catch(() => undefined)
    if (value !== undefined && value !== false) return value
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 250))
  }
}

/** Runs `work` over `items` with at most `width` at a time. */
export async function inParallel<T>(items: T[], width: number, work: (item: T) => Promise<void>) {
  let next = 0
  await Promise.all(
    Array.from({ length: Math.min(width, items.length) }, async () => {
      while (next < items.length) await work(items[next++]!)
    }),
  )
}

export async function openDeal(
  stack: PurchaseStack,
  options: { quantity: number; dealPrice: number },
): Promise<AnnouncedDeal> {
  const deal = await announceDeal(stack.vhost.url, { ...options, perUserLimit: 1 })
  await eventually('the order service to know the deal', async () => {
    const stock = await stack.call('order', 'GET', `/deals/${deal.dealId}/stock`, { as: buyerIdentity() })
    return stock.status === 200
  })
  return deal
}

/** Buyers whose wallets hold `topUp(i)` each, charged through the payment service's API. */
export async function buyersWithWallets(
  stack: PurchaseStack,
  count: number,
  topUp: (i: number) => number,
): Promise<Buyer[]> {
  const buyers = Array.from({ length: count }, (_, i) => ({ identity: buyerIdentity(), topUp: topUp(i) }))
  await inParallel(buyers, 20, async (buyer) => {
    const res = await stack.call('payment', 'POST', '/wallet/charge', {
      as: buyer.identity,
      body: { amount: buyer.topUp },
      headers: { 'idempotency-key': randomUUID() },
    })
    assert.ok(res.status === 200 || res.status === 201, `top-up: ${res.status} ${JSON.stringify(res.body)}`)
  })
  return buyers
}

/** One purchase attempt; the order id when the order service answered 201. */
export async function buy(stack: PurchaseStack, buyer: Buyer, dealId: string): Promise<string | undefined> {
  const res = await stack.call('order', 'POST', '/', {
    as: buyer.identity,
    body: { dealId, quantity: 1, paymentMethod: 'WALLET' },
    headers: { 'idempotency-key': randomUUID() },
  })
  if (res.status === 201) return res.body.orderId as string
  assert.ok(
    res.status === 409 || res.status >= 500,
    `a purchase answered ${res.status} ${JSON.stringify(res.body)}`,
  )
  return undefined
}

/** Until no order of the deal waits for payment, no saga is between steps and nothing is reserved. */
export async function settled(stack: PurchaseStack, dealId: string, timeoutMs = 120_000): Promise<void> {
  await eventually(
    'every saga to end',
    async () => {
      const [open] = await stack.sql<{ n: number }>(
        'order',
        `SELECT count(*)::int AS n FROM orders o JOIN purchase_sagas s ON s.order_id = o.id
         WHERE o.deal_id = $1 AND (o.status = 'PENDING_PAYMENT' OR s.state NOT IN ('COMPLETED', 'COMPENSATED'))`,
        [dealId],
      )
      if (open!.n > 0) return false
      // Redis hears of each outcome from a job after the saga's transaction: units of paid orders
      // move from reserved to sold, those of cancelled ones back to remaining.
      const stock = await stack.call('order', 'GET', `/deals/${dealId}/stock`, { as: buyerIdentity() })
      return stock.body.reserved === 0
    },
    timeoutMs,
  ).catch(async (err: unknown) => {
    // Where it stopped: orders and sagas by state, the stock counters, the payments by state.
    const where = await Promise.all([
      stack.sql(
        'order',
        `SELECT o.status, s.state, count(*)::int AS n FROM orders o JOIN purchase_sagas s ON s.order_id = o.id
         WHERE o.deal_id = $1 GROUP BY 1, 2`,
        [dealId],
      ),
      stack.call('order', 'GET', `/deals/${dealId}/stock`, { as: buyerIdentity() }).then((r) => r.body),
      stack.sql('payment', 'SELECT state, count(*)::int AS n FROM payments GROUP BY 1'),
    ]).catch((e: unknown) => [`(could not read the state: ${(e as Error).message})`])
    throw new Error(
      `${(err as Error).message}\nstate: ${JSON.stringify(where)}\n--- order\n${stack.output('order')}\n--- payment\n${stack.output('payment')}`,
    )
  })
}

export interface Outcome {
  paidByBuyer: Map<string, number>
  paid: number
  cancelled: number
}

/**
 * What must hold once everything settled: every order PAID or CANCELLED, paid orders == units
 * sold, nothing reserved, cancelled units back in `remaining`, nobody paid twice for one order,
 * every wallet == its top-up minus what its owner's paid orders cost, and the ledger balances.
 */
export async function assertInvariants(
  stack: PurchaseStack,
  deal: { dealId: string; quantity: number; dealPrice: number },
  buyers: Buyer[],
): Promise<Outcome> {
  const orders = await stack.sql<{ id: string; user_id: string; status: string }>(
    'order',
    'SELECT id, user_id, status FROM orders WHERE deal_id = $1',
    [deal.dealId],
  )
  const strays = orders.filter((o) => o.status !== 'PAID' && o.status !== 'CANCELLED')
  assert.deepEqual(strays, [], 'every order is PAID or CANCELLED')
  const paidOrders = orders.filter((o) => o.status === 'PAID')

  const stock = await stack.call('order', 'GET', `/deals/${deal.dealId}/stock`, { as: buyerIdentity() })
  const { quantity, remaining, reserved, sold } = stock.body as Record<string, number>
  assert.equal(quantity, deal.quantity)
  assert.equal(reserved, 0, 'nothing stays reserved')
  assert.equal(sold, paidOrders.length, 'paid orders == units sold')
  assert.equal(remaining, deal.quantity - sold, 'cancelled units are back in remaining')

  const paidByBuyer = new Map<string, number>()
  for (const o of paidOrders) paidByBuyer.set(o.user_id, (paidByBuyer.get(o.user_id) ?? 0) + 1)
  for (const [user, n] of paidByBuyer) assert.equal(n, 1, `buyer ${user} has ${n} paid orders (limit 1)`)

  // The payment service's view: one captured payment per paid order, none for a cancelled one
  // unless it was refunded.
  const payments = await stack.sql<{ order_id: string; status: string }>(
    'payment',
    'SELECT order_id::text, state::text AS status FROM payments WHERE order_id = ANY($1::uuid[])',
    [orders.map((o) => o.id)],
  )
  const paymentOf = new Map(payments.map((p) => [p.order_id, p.status]))
  for (const o of orders) {
    const p = paymentOf.get(o.id)
    if (o.status === 'PAID') assert.equal(p, 'PAID', `order ${o.id} is PAID, its payment is ${p}`)
    else assert.notEqual(p, 'PAID', `order ${o.id} is CANCELLED but its payment was kept`)
  }

  for (const buyer of buyers) {
    const wallet = await stack.call('payment', 'GET', '/wallet', { as: buyer.identity })
    assert.equal(wallet.status, 200)
    const expected = buyer.topUp - (paidByBuyer.get(buyer.identity.userId) ?? 0) * deal.dealPrice
    assert.equal(wallet.body.balance, expected, `wallet of ${buyer.identity.userId}`)
  }
  const [ledger] = await stack.sql<{ total: string; unbalanced: number }>(
    'payment',
    `SELECT coalesce(sum(amount), 0)::text AS total,
            (SELECT count(*)::int FROM (SELECT transaction_id FROM ledger_entries
               GROUP BY transaction_id HAVING sum(amount) <> 0) t) AS unbalanced
     FROM ledger_entries`,
  )
  assert.equal(ledger!.total, '0', 'the ledger sums to zero')
  assert.equal(ledger!.unbalanced, 0, 'every ledger transaction balances')
  return { paidByBuyer, paid: paidOrders.length, cancelled: orders.length - paidOrders.length }
}
