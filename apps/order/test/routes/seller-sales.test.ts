// The seller's sales and return decisions, through the seller's token (/seller/...) and its API
// keys (/seller/v1/..., scoped): only the order's seller sees or decides an order.
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { apiKeyIdentity, buyerIdentity, sellerIdentity } from '@deals/contracts/testing'
import { client, seedDeal, sql, startTestOrderApp, type TestOrderApp } from '../support/test-order-app.ts'
import { forceStatus, orderRow, paidOrder, placeOrder } from '../support/order-steps.ts'

describe('seller sales and returns', () => {
  let t: TestOrderApp
  const seller = sellerIdentity()
  const otherSeller = sellerIdentity()
  let orders: string[] = []
  let otherOrder: string

  before(async () => {
    t = await startTestOrderApp({ LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent' })
    const deal = await seedDeal(t, { sellerId: seller.sellerId!, quantity: 10 })
    orders = [
      await placeOrder(t, deal, buyerIdentity()),
      await paidOrder(t, deal, buyerIdentity()),
      await paidOrder(t, deal, buyerIdentity()),
    ]
    const other = await seedDeal(t, { sellerId: otherSeller.sellerId!, quantity: 10 })
    otherOrder = await paidOrder(t, other, buyerIdentity())
  })
  after(() => t.close())

  const requestReturn = async (orderId: string) => {
    await forceStatus(t, orderId, 'DELIVERED')
    const [{ user_id: userId }] = (await sql(t, 'SELECT user_id FROM orders WHERE id = $1', [orderId])) as [
      { user_id: string },
    ]
    const res = await client(t)('POST', `/${orderId}/return`, {
      as: buyerIdentity({ userId }),
      body: { reason: 'Arrived crushed' },
    })
    assert.equal(res.statusCode, 200, res.body)
  }

  test('a seller lists only its own sales, newest first, without the buyer, page by page', async () => {
    const first = await client(t)('GET', '/seller/sales?limit=2', { as: seller })
    assert.equal(first.statusCode, 200, first.body)
    const page1 = first.json()
    assert.deepEqual(
      page1.items.map((s: { orderId: string }) => s.orderId),
      [orders[2], orders[1]],
    )
    assert.equal(page1.items[0].userId, undefined)
    assert.equal(page1.items[0].addressId, undefined)
    assert.ok(page1.nextCursor)
    const second = await client(t)('GET', `/seller/sales?limit=2&cursor=${page1.nextCursor}`, { as: seller })
    assert.deepEqual(
      second.json().items.map((s: { orderId: string }) => s.orderId),
      [orders[0]],
    )
    assert.equal(second.json().nextCursor, null)
    const theirs = await client(t)('GET', '/seller/sales', { as: otherSeller })
    assert.deepEqual(
      theirs.json().items.map((s: { orderId: string }) => s.orderId),
      [otherOrder],
    )
  })

  test('sales filter by status and by when they were placed', async () => {
    const paid = await client(t)('GET', '/seller/sales?status=PAID', { as: seller })
    assert.deepEqual(
      paid.json().items.map((s: { orderId: string }) => s.orderId),
      [orders[2], orders[1]],
    )
    await sql(t, `UPDATE orders SET created_at = now() - interval '3 days' WHERE id = $1`, [orders[0]])
    const from = new Date(Date.now() - 24 * 3600_000).toISOString()
    const recent = await client(t)('GET', `/seller/sales?from=${encodeURIComponent(from)}`, { as: seller })
    assert.equal(recent.json().items.length, 2)
    const old = await client(t)('GET', `/seller/sales?to=${encodeURIComponent(from)}`, { as: seller })
    assert.deepEqual(
      old.json().items.map((s: { orderId: string }) => s.orderId),
      [orders[0]],
    )
  })

  test('the seller API lists sales with sales:read; a key without it is 403 INSUFFICIENT_SCOPE', async () => {
    const reader = apiKeyIdentity(seller, ['sales:read'])
    const res = await client(t)('GET', '/seller/v1/sales', { as: reader })
    assert.equal(res.statusCode, 200, res.body)
    assert.equal(res.json().items.length, 3)
    const writer = apiKeyIdentity(seller, ['returns:write'])
    const refused = await client(t)('GET', '/seller/v1/sales', { as: writer })
    assert.equal(refused.statusCode, 403)
    assert.equal(refused.json().code, 'INSUFFICIENT_SCOPE')
    const ownToken = await client(t)('GET', '/seller/v1/sales', { as: seller })
    assert.equal(ownToken.statusCode, 200)
  })

  test('buyers are not sellers: 403 on every seller route', async () => {
    const buyer = buyerIdentity()
    for (const [method, url] of [
      ['GET', '/seller/sales'],
      ['GET', '/seller/v1/sales'],
      ['POST', `/seller/returns/${orders[1]}/approve`],
      ['POST', `/seller/v1/returns/${orders[1]}/approve`],
    ] as const) {
      const res = await client(t)(method, url, { as: buyer })
      assert.equal(res.statusCode, 403, `${method} ${url}`)
      assert.match(String(res.headers['content-type']), /^application\/problem\+json/)
    }
    assert.equal((await client(t)('GET', '/seller/sales')).statusCode, 401)
  })

  test('another seller’s return is not found; a key needs returns:write; the order’s seller decides once', async () => {
    const orderId = orders[1]!
    await requestReturn(orderId)
    const stranger = await client(t)('POST', `/seller/returns/${orderId}/approve`, { as: otherSeller })
    assert.equal(stranger.statusCode, 404)
    assert.equal(stranger.json().code, 'ORDER_NOT_FOUND')
    const strangerKey = apiKeyIdentity(otherSeller, ['returns:write'])
    assert.equal(
      (await client(t)('POST', `/seller/v1/returns/${orderId}/approve`, { as: strangerKey })).statusCode,
      404,
    )
    const readOnly = apiKeyIdentity(seller, ['sales:read'])
    const noScope = await client(t)('POST', `/seller/v1/returns/${orderId}/reject`, {
      as: readOnly,
      body: { reason: 'no' },
    })
    assert.equal(noScope.statusCode, 403)
    assert.equal(noScope.json().code, 'INSUFFICIENT_SCOPE')
    assert.equal((await orderRow(t, orderId)).status, 'RETURN_REQUESTED')

    const key = apiKeyIdentity(seller, ['returns:write'])
    const rejected = await client(t)('POST', `/seller/v1/returns/${orderId}/reject`, {
      as: key,
      body: { reason: 'Outside our policy' },
    })
    assert.equal(rejected.statusCode, 200, rejected.body)
    assert.equal(rejected.json().status, 'RETURN_REJECTED')
    const again = await client(t)('POST', `/seller/v1/returns/${orderId}/reject`, {
      as: key,
      body: { reason: 'Outside our policy' },
    })
    assert.equal(again.statusCode, 200)
    const flip = await client(t)('POST', `/seller/returns/${orderId}/approve`, { as: seller })
    assert.equal(flip.statusCode, 409)
    assert.equal(flip.json().code, 'ORDER_STATUS_CONFLICT')
  })

  test('the seller API approves a return: RETURNED', async () => {
    const orderId = orders[2]!
    await requestReturn(orderId)
    const res = await client(t)('POST', `/seller/v1/returns/${orderId}/approve`, {
      as: apiKeyIdentity(seller, ['returns:write']),
    })
    assert.equal(res.statusCode, 200, res.body)
    assert.equal(res.json().status, 'RETURNED')
    assert.equal(res.json().returnReason, 'Arrived crushed')
  })

  test('a return that was not requested cannot be decided: 409', async () => {
    const res = await client(t)('POST', `/seller/returns/${orders[0]}/approve`, { as: seller })
    assert.equal(res.statusCode, 409)
    assert.equal(res.json().code, 'ORDER_STATUS_CONFLICT')
  })

  test('bad input is a 4xx problem, never a 500', async () => {
    for (const url of [
      '/seller/sales?status=LOST',
      '/seller/sales?limit=0',
      '/seller/sales?limit=1000',
      '/seller/sales?from=yesterday',
      '/seller/sales?cursor=garbage',
      '/seller/sales?unknown=1',
      `/seller/sales?from=${encodeURIComponent(new Date().toISOString())}&to=${encodeURIComponent(new Date(Date.now() - 1000).toISOString())}`,
    ]) {
      const res = await client(t)('GET', url, { as: seller })
      assert.equal(res.statusCode, 400, `${url}: ${res.body}`)
      assert.match(String(res.headers['content-type']), /^application\/problem\+json/)
    }
    for (const [url, body] of [
      ['/seller/returns/nope/approve', undefined],
      [`/seller/returns/${orders[1]}/reject`, {}],
      [`/seller/returns/${orders[1]}/reject`, { reason: '' }],
      [`/seller/returns/${orders[1]}/reject`, { reason: 'x'.repeat(501) }],
    ] as const) {
      const res = await client(t)('POST', url, { as: seller, ...(body ? { body } : {}) })
      assert.equal(res.statusCode, 400, `${url} ${JSON.stringify(body)}: ${res.body}`)
    }
  })
})
