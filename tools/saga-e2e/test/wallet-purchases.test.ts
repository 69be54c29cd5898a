// HEAVY (one to two minutes): the purchase saga across the real order and payment services.
// 1,000 buyers go for a 300-unit deal paying from their wallets; a fifth of them hold too little.
// Once every saga has ended, stock, orders, payments, wallets and the ledger must all agree.
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { startPurchaseStack, type PurchaseStack } from './support/purchase-stack.ts'
import {
  assertInvariants,
  buy,
  buyersWithWallets,
  inParallel,
  openDeal,
  settled,
  type Buyer,
} from './support/purchases.ts'

const QUANTITY = 300
const PRICE = 10_000

let stack: PurchaseStack
before(async () => {
  stack = await startPurchaseStack({ order: { RESERVATION_TTL_SECONDS: '120' } })
})
after(() => stack?.close())

test('1,000 wallet buyers for 300 units, a fifth too poor: every order ends PAID or CANCELLED, and stock, wallets and ledger add up', async () => {
  const deal = await openDeal(stack, { quantity: QUANTITY, dealPrice: PRICE })
  const poor = (i: number) => i % 5 === 0
  const buyers = await buyersWithWallets(stack, 1_000, (i) => (poor(i) ? PRICE / 2 : PRICE + (i % 3) * 1_000))

  const ordered = new Map<string, string>()
  const attempt = async (buyer: Buyer) => {
    const orderId = await buy(stack, buyer, deal.dealId)
    if (orderId) ordered.set(buyer.identity.userId, orderId)
  }
  await inParallel(buyers, 100, attempt)
  // Units of poor buyers' orders come back during the burst already, so more than the deal's
  // quantity of orders may be answered 201; never fewer.
  assert.ok(ordered.size >= QUANTITY, `the first burst reserves every unit (${ordered.size} orders)`)
  await settled(stack, deal.dealId)

  // The poor buyers' orders were cancelled and their units went back on sale: the buyers turned
  // away the first time try once more.
  const turnedAway = buyers.filter((b, i) => !poor(i) && !ordered.has(b.identity.userId))
  await inParallel(turnedAway, 100, attempt)
  await settled(stack, deal.dealId)

  const outcome = await assertInvariants(stack, { ...deal, dealPrice: PRICE }, buyers)
  assert.equal(outcome.paid, QUANTITY, 'every unit ends up sold to a buyer who could pay')
  const cancelled = await stack.sql<{ user_id: string; cancel_reason: string }>(
    'order',
    `SELECT user_id, cancel_reason FROM orders WHERE deal_id = $1 AND status = 'CANCELLED'`,
    [deal.dealId],
  )
  assert.ok(cancelled.length > 0, 'some poor buyers got an order in the first burst')
  const poorIds = new Set(buyers.filter((_, i) => poor(i)).map((b) => b.identity.userId))
  for (const c of cancelled) {
    assert.ok(poorIds.has(c.user_id), 'only orders of buyers who could not pay are cancelled')
    assert.equal(c.cancel_reason, 'PAYMENT_FAILED')
  }
})
