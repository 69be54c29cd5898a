// HEAVY (a few minutes), and EXCLUSIVE: it restarts the RabbitMQ broker, so the test runner runs
// it alone after every other file. Several hundred purchase sagas are in flight while the order
// service is killed with SIGKILL, then the payment service, then the broker restarts; every saga
// message is delivered twice throughout. Once everything settles nothing is lost, nothing is
// charged twice and stock is conserved, and every order answered 201 exists.
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { duplicateSagaMessages, type Duplicator } from './support/duplicator.ts'
import { restartBroker } from './support/broker.ts'
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

const QUANTITY = 600
const PRICE = 10_000

let stack: PurchaseStack
let duplicator: Duplicator | undefined
before(async () => {
  stack = await startPurchaseStack({ order: { RESERVATION_TTL_SECONDS: '60' } })
})
after(async () => {
  await duplicator?.stop()
  await stack?.close()
})

test('sagas in flight survive a SIGKILL of order, then of payment, and a broker restart, with every message delivered twice', async () => {
  const deal = await openDeal(stack, { quantity: QUANTITY, dealPrice: PRICE })
  const poor = (i: number) => i % 4 === 0
  const buyers = await buyersWithWallets(stack, 800, (i) => (poor(i) ? PRICE - 1 : PRICE))
  duplicator = await duplicateSagaMessages(stack.vhost.url)

  const answered = new Set<string>()
  /** Buys for a third of the buyers while `fault` strikes once `strikeAfter` orders were answered. */
  const burst = async (group: Buyer[], strikeAfter: number, fault: () => Promise<void>) => {
    let struck: Promise<void> | undefined
    await inParallel(group, 40, async (buyer) => {
      const orderId = await buy(stack, buyer, deal.dealId).catch(() => undefined)
      if (orderId) answered.add(orderId)
      if (!struck && answered.size >= strikeAfter) struck = fault()
    })
    assert.ok(struck, `the fault struck (only ${answered.size} orders answered)`)
    await struck
  }
  const third = Math.ceil(buyers.length / 3)
  const [first, second, last] = [0, 1, 2].map((k) => buyers.slice(k * third, (k + 1) * third)) as [
    Buyer[],
    Buyer[],
    Buyer[],
  ]

  await burst(first, 60, async () => {
    await stack.kill('order')
    await stack.start('order')
  })
  await burst(second, answered.size + 60, async () => {
    await stack.kill('payment')
    await new Promise((resolve) => setTimeout(resolve, 1_000))
    await stack.start('payment')
  })
  await burst(last, answered.size + 60, async () => {
    await duplicator!.stop()
    await restartBroker(stack.vhost.url)
    duplicator = await duplicateSagaMessages(stack.vhost.url)
  })

  await settled(stack, deal.dealId, 240_000)
  assert.ok(duplicator.copies() > 0, 'saga messages were delivered twice')

  const saved = await stack.sql<{ id: string }>('order', 'SELECT id FROM orders WHERE deal_id = $1', [
    deal.dealId,
  ])
  const ids = new Set(saved.map((o) => o.id))
  for (const id of answered) assert.ok(ids.has(id), `order ${id} was answered 201 but is not saved`)

  const outcome = await assertInvariants(stack, { ...deal, dealPrice: PRICE }, buyers)
  assert.ok(outcome.paid > 0 && outcome.cancelled > 0, JSON.stringify(outcome))
  const charges = await stack.sql<{ n: number }>(
    'payment',
    `SELECT count(*)::int AS n FROM ledger_transactions WHERE kind = 'PAYMENT'`,
  )
  assert.equal(charges[0]!.n, outcome.paid, 'one wallet debit per paid order, never two')
})
