// The cart: lines keyed by deal, priced from the replica, kept 14 days from the last touch, at
// most 50 lines; checkout places one order per line through POST /'s code, keeps the lines it
// could not order, and replays for a retried Idempotency-Key.
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { buyerIdentity } from '@deals/contracts/testing'
import { cartKey, CART_TTL_SECONDS } from '../../src/domain/cart/carts.ts'
import { client, seedDeal, sql, startTestOrderApp, type TestOrderApp } from '../support/test-order-app.ts'
import { placeOrder, stockOf } from '../support/order-steps.ts'

describe('the cart', () => {
  let t: TestOrderApp
  before(async () => {
    t = await startTestOrderApp({ LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent' })
  })
  after(() => t.close())

  const put = (buyer: ReturnType<typeof buyerIdentity>, dealId: string, quantity: number) =>
    client(t)('PUT', `/cart/items/${dealId}`, { as: buyer, body: { quantity } })
  const checkout = (buyer: ReturnType<typeof buyerIdentity>, body: object, key = randomUUID()) =>
    client(t)('POST', '/cart/checkout', { as: buyer, body, headers: { 'idempotency-key': key } })

  test('add, change and remove lines; the cart shows each deal’s current price and status', async () => {
    const buyer = buyerIdentity()
    const a = await seedDeal(t, { perUserLimit: 3, dealPrice: 5000 })
    const b = await seedDeal(t, { perUserLimit: 2, dealPrice: 1200, status: 'SCHEDULED' })
    assert.deepEqual((await client(t)('GET', '/cart', { as: buyer })).json().items, [])

    const added = await put(buyer, a.dealId, 2)
    assert.equal(added.statusCode, 200, added.body)
    assert.equal(added.json().items[0].amount, 10_000)
    await put(buyer, b.dealId, 1)
    const changed = await put(buyer, a.dealId, 3)
    const cart = changed.json()
    assert.equal(cart.items.length, 2)
    const lineA = cart.items.find((i: { dealId: string }) => i.dealId === a.dealId)
    assert.equal(lineA.quantity, 3)
    assert.equal(lineA.unitPrice, 5000)
    assert.equal(lineA.productName, a.productName)
    assert.equal(lineA.purchasable, true)
    assert.equal(cart.totalAmount, 3 * 5000 + 1200)

    // A price change reaches the cart from the replica.
    await t.app.orderDb.$transaction((tx) =>
      t.app.orderDomain.deals.apply(tx, { ...a, version: 2, dealPrice: 4000 }),
    )
    assert.equal((await client(t)('GET', '/cart', { as: buyer })).json().totalAmount, 3 * 4000 + 1200)

    const removed = await client(t)('DELETE', `/cart/items/${b.dealId}`, { as: buyer })
    assert.equal(removed.statusCode, 200)
    assert.deepEqual(
      removed.json().items.map((i: { dealId: string }) => i.dealId),
      [a.dealId],
    )
    const again = await client(t)('DELETE', `/cart/items/${b.dealId}`, { as: buyer })
    assert.equal(again.statusCode, 200)
    // Carts are per buyer.
    assert.deepEqual((await client(t)('GET', '/cart', { as: buyerIdentity() })).json().items, [])
  })

  test('every read and change keeps the cart for 14 days from now; it expires untouched', async () => {
    const buyer = buyerIdentity()
    const deal = await seedDeal(t)
    await put(buyer, deal.dealId, 1)
    const key = cartKey(buyer.userId)
    const ttl = await t.redis.ttl(key)
    assert.ok(ttl > CART_TTL_SECONDS - 60 && ttl <= CART_TTL_SECONDS, `ttl ${ttl}`)
    assert.equal(CART_TTL_SECONDS, 14 * 24 * 3600)
    await t.redis.expire(key, 100)
    await client(t)('GET', '/cart', { as: buyer })
    assert.ok((await t.redis.ttl(key)) > CART_TTL_SECONDS - 60, 'a read refreshes the lifetime')
    await t.redis.expire(key, 100)
    await client(t)('DELETE', `/cart/items/${randomUUID()}`, { as: buyer })
    assert.ok((await t.redis.ttl(key)) > CART_TTL_SECONDS - 60, 'a change refreshes the lifetime')
    await t.redis.pexpire(key, 1)
    await new Promise((resolve) => setTimeout(resolve, 20))
    assert.deepEqual((await client(t)('GET', '/cart', { as: buyer })).json().items, [])
  })

  test('limits: quantity up to the per-buyer limit, at most 50 lines, known and unfinished deals only', async () => {
    const buyer = buyerIdentity()
    const deal = await seedDeal(t, { perUserLimit: 2 })
    const over = await put(buyer, deal.dealId, 3)
    assert.equal(over.statusCode, 409)
    assert.equal(over.json().code, 'PURCHASE_LIMIT_EXCEEDED')
    const unknown = await put(buyer, randomUUID(), 1)
    assert.equal(unknown.statusCode, 404)
    assert.equal(unknown.json().code, 'DEAL_NOT_FOUND')
    const ended = await seedDeal(t, { status: 'ENDED' })
    assert.equal((await put(buyer, ended.dealId, 1)).json().code, 'DEAL_NOT_OPEN')

    const deals = await Promise.all(Array.from({ length: 50 }, () => seedDeal(t)))
    for (const d of deals) assert.equal((await put(buyer, d.dealId, 1)).statusCode, 200)
    const full = await put(buyer, deal.dealId, 1)
    assert.equal(full.statusCode, 409)
    assert.equal(full.json().code, 'CART_FULL')
    // Changing a line already in a full cart is fine.
    assert.equal((await put(buyer, deals[0]!.dealId, 1)).statusCode, 200)
    assert.equal((await client(t)('GET', '/cart', { as: buyer })).json().items.length, 50)
  })

  test('checkout of chosen lines orders them and keeps the others in the cart', async () => {
    const buyer = buyerIdentity()
    const a = await seedDeal(t, { perUserLimit: 2, quantity: 5 })
    const b = await seedDeal(t, { quantity: 5 })
    await put(buyer, a.dealId, 2)
    await put(buyer, b.dealId, 1)
    const res = await checkout(buyer, { items: [a.dealId], paymentMethod: 'WALLET' })
    assert.equal(res.statusCode, 200, res.body)
    const [line] = res.json().results
    assert.equal(line.outcome, 'ORDERED')
    assert.equal(line.status, 'PENDING_PAYMENT')
    assert.equal(line.quantity, 2)
    const [order] = await sql(t, 'SELECT user_id, quantity, amount FROM orders WHERE id = $1', [line.orderId])
    assert.deepEqual(order, { user_id: buyer.userId, quantity: 2, amount: 2 * a.dealPrice })
    assert.deepEqual(await stockOf(t, a.dealId), { quantity: 5, remaining: 3, reserved: 2, sold: 0 })
    const left = (await client(t)('GET', '/cart', { as: buyer })).json().items
    assert.deepEqual(
      left.map((i: { dealId: string }) => i.dealId),
      [b.dealId],
    )
  })

  test('a sold-out line is reported with its problem; the other lines are ordered, and it stays in the cart', async () => {
    const buyer = buyerIdentity()
    const soldOut = await seedDeal(t, { quantity: 1 })
    const fine = await seedDeal(t, { quantity: 5 })
    const limited = await seedDeal(t, { quantity: 5, perUserLimit: 1 })
    await put(buyer, soldOut.dealId, 1)
    await put(buyer, fine.dealId, 1)
    await put(buyer, limited.dealId, 1)
    await placeOrder(t, soldOut, buyerIdentity())
    await placeOrder(t, limited, buyer)

    const res = await checkout(buyer, { paymentMethod: 'PG' })
    assert.equal(res.statusCode, 200, res.body)
    const byDeal = new Map(res.json().results.map((r: { dealId: string }) => [r.dealId, r]))
    const sold = byDeal.get(soldOut.dealId) as { outcome: string; problem: { code: string; status: number } }
    assert.equal(sold.outcome, 'REFUSED')
    assert.equal(sold.problem.code, 'SOLD_OUT')
    assert.equal(sold.problem.status, 409)
    const over = byDeal.get(limited.dealId) as { outcome: string; problem: { code: string } }
    assert.equal(over.problem.code, 'PURCHASE_LIMIT_EXCEEDED')
    assert.equal((byDeal.get(fine.dealId) as { outcome: string }).outcome, 'ORDERED')
    const left = (await client(t)('GET', '/cart', { as: buyer })).json().items
    assert.deepEqual(
      left.map((i: { dealId: string }) => i.dealId).sort(),
      [soldOut.dealId, limited.dealId].sort(),
    )
  })

  test('a line for a deal behind the waiting room is refused ADMISSION_REQUIRED; a line not in the cart is reported', async () => {
    const buyer = buyerIdentity()
    const queued = await seedDeal(t, { queueRequired: true })
    await put(buyer, queued.dealId, 1)
    const missing = randomUUID()
    const res = await checkout(buyer, { items: [queued.dealId, missing], paymentMethod: 'WALLET' })
    assert.equal(res.statusCode, 200, res.body)
    const [admission, notInCart] = res.json().results
    assert.equal(admission.problem.code, 'ADMISSION_REQUIRED')
    assert.equal(notInCart.dealId, missing)
    assert.equal(notInCart.problem.code, 'CART_LINE_NOT_FOUND')
    assert.equal((await client(t)('GET', '/cart', { as: buyer })).json().items.length, 1)
  })

  test('a retried checkout replays the first answer and orders nothing twice; another body with the key is 422', async () => {
    const buyer = buyerIdentity()
    const deal = await seedDeal(t, { quantity: 5, perUserLimit: 5 })
    await put(buyer, deal.dealId, 1)
    const key = randomUUID()
    const [first, second] = await Promise.all([
      checkout(buyer, { paymentMethod: 'WALLET' }, key),
      checkout(buyer, { paymentMethod: 'WALLET' }, key),
    ])
    assert.equal(first.statusCode, 200, first.body)
    assert.equal(second.statusCode, 200, second.body)
    assert.equal(second.body, first.body)
    const count = async () => (await sql(t, 'SELECT 1 FROM orders WHERE user_id = $1', [buyer.userId])).length
    assert.equal(await count(), 1)

    // Even when Redis forgot the answer, the line's durable answer keeps the order single.
    await put(buyer, deal.dealId, 1)
    assert.equal(await t.redis.del(`idempotency:{${buyer.userId}}:POST /cart/checkout:${key}`), 1)
    const retried = await checkout(buyer, { paymentMethod: 'WALLET' }, key)
    assert.equal(retried.statusCode, 200)
    assert.equal(retried.json().results[0].orderId, first.json().results[0].orderId)
    assert.equal(await count(), 1)

    const reused = await checkout(buyer, { paymentMethod: 'PG' }, key)
    assert.equal(reused.statusCode, 422)
    assert.equal(reused.json().code, 'IDEMPOTENCY_KEY_REUSED')
  })

  test('an empty cart is 409 CART_EMPTY', async () => {
    const res = await checkout(buyerIdentity(), { paymentMethod: 'WALLET' })
    assert.equal(res.statusCode, 409)
    assert.equal(res.json().code, 'CART_EMPTY')
  })

  test('bad input is a 4xx problem, never a 500', async () => {
    const buyer = buyerIdentity()
    const deal = await seedDeal(t)
    const cases: [string, string, unknown, Record<string, string>?][] = [
      ['PUT', '/cart/items/not-a-uuid', { quantity: 1 }],
      ['PUT', `/cart/items/${deal.dealId}`, { quantity: 0 }],
      ['PUT', `/cart/items/${deal.dealId}`, { quantity: 1.5 }],
      ['PUT', `/cart/items/${deal.dealId}`, { quantity: '1' }],
      ['PUT', `/cart/items/${deal.dealId}`, {}],
      ['DELETE', '/cart/items/nope', undefined],
      ['POST', '/cart/checkout', { paymentMethod: 'WALLET' }, {}],
      ['POST', '/cart/checkout', { paymentMethod: 'CASH' }, { 'idempotency-key': 'k1' }],
      ['POST', '/cart/checkout', { paymentMethod: 'WALLET', items: [] }, { 'idempotency-key': 'k2' }],
      [
        'POST',
        '/cart/checkout',
        { paymentMethod: 'WALLET', items: [deal.dealId, deal.dealId] },
        { 'idempotency-key': 'k3' },
      ],
      ['POST', '/cart/checkout', { paymentMethod: 'WALLET', items: ['x'] }, { 'idempotency-key': 'k4' }],
      ['POST', '/cart/checkout', { paymentMethod: 'WALLET' }, { 'idempotency-key': 'has space' }],
    ]
    for (const [method, url, body, headers] of cases) {
      const res = await client(t)(method as 'PUT', url, {
        as: buyer,
        ...(body === undefined ? {} : { body }),
        ...(headers ? { headers } : {}),
      })
      assert.equal(res.statusCode, 400, `${method} ${url} ${JSON.stringify(body)}: ${res.body}`)
      assert.match(String(res.headers['content-type']), /^application\/problem\+json/)
    }
    assert.equal((await client(t)('GET', '/cart')).statusCode, 401)
    assert.deepEqual((await client(t)('GET', '/cart', { as: buyer })).json().items, [])
  })
})
