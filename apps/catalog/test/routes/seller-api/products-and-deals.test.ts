import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import type { ApiKeyScope, Identity } from '@deals/contracts'
import { apiKeyIdentity, sellerIdentity } from '@deals/contracts/testing'
import { client, startTestCatalogApp, type TestCatalogApp } from '../../support/test-catalog-app.ts'

describe('seller API: products and deals', () => {
  let t: TestCatalogApp
  let call: ReturnType<typeof client>
  const seller = sellerIdentity()
  const everything: ApiKeyScope[] = ['products:read', 'products:write', 'deals:read', 'deals:write']
  const key = apiKeyIdentity(seller, everything)
  before(async () => {
    // Deals an hour or more ahead stay HIDDEN, so every status a seller sees can be shown.
    t = await startTestCatalogApp({ DEAL_ANNOUNCE_LEAD_SECONDS: '60' })
    call = client(t)
  })
  after(() => t.close())

  async function product(as: Identity, name = 'Jeju tangerines 5 kg') {
    const response = await call('POST', '/seller/v1/products', { as, body: { name, price: 20_000 } })
    assert.equal(response.statusCode, 201, response.body)
    return response.json() as { id: string; sellerId: string }
  }

  async function deal(as: Identity, productId: string, hoursAhead = 1) {
    const startsAt = new Date(Date.now() + hoursAhead * 3_600_000)
    const response = await call('POST', '/seller/v1/deals', {
      as,
      body: {
        productId,
        dealPrice: 9_900,
        quantity: 100,
        perUserLimit: 2,
        startsAt: startsAt.toISOString(),
        endsAt: new Date(startsAt.getTime() + 3_600_000).toISOString(),
      },
    })
    assert.equal(response.statusCode, 201, response.body)
    return response.json() as { id: string; status: string }
  }

  test('a partner lists, reads, changes and deletes its products', async () => {
    const created = await product(key)
    assert.equal(created.sellerId, seller.sellerId)
    const listed = await call('GET', '/seller/v1/products', { as: key })
    assert.deepEqual(
      listed.json().items.map((p: { id: string }) => p.id),
      [created.id],
    )
    const changed = await call('PATCH', `/seller/v1/products/${created.id}`, {
      as: key,
      body: { price: 18_000 },
    })
    assert.equal(changed.json().price, 18_000)
    assert.equal((await call('GET', `/seller/v1/products/${created.id}`, { as: key })).json().price, 18_000)
    assert.equal((await call('DELETE', `/seller/v1/products/${created.id}`, { as: key })).statusCode, 204)
    assert.equal((await call('GET', `/seller/v1/products/${created.id}`, { as: key })).statusCode, 404)
  })

  test('a partner books, reads, changes and suspends its deals, and lists them in every status', async () => {
    const { id: productId } = await product(key, 'Andong apples 3 kg')
    const booked = await deal(key, productId)
    assert.equal(booked.status, 'HIDDEN')
    const changed = await call('PATCH', `/seller/v1/deals/${booked.id}`, { as: key, body: { quantity: 50 } })
    assert.equal(changed.statusCode, 200, changed.body)
    assert.equal(changed.json().quantity, 50)
    const other = await deal(key, productId, 5)
    const suspended = await call('POST', `/seller/v1/deals/${other.id}/suspend`, {
      as: key,
      body: { reason: 'supplier delay' },
    })
    assert.equal(suspended.statusCode, 200, suspended.body)
    assert.equal(suspended.json().status, 'SUSPENDED')

    const listed = await call('GET', '/seller/v1/deals', { as: key })
    assert.equal(listed.statusCode, 200, listed.body)
    assert.deepEqual(
      listed.json().items.map((d: { id: string; status: string }) => [d.id, d.status]),
      [
        [other.id, 'SUSPENDED'],
        [booked.id, 'HIDDEN'],
      ],
    )
    const read = await call('GET', `/seller/v1/deals/${other.id}`, { as: key })
    assert.equal(read.json().suspendedReason, 'supplier delay')
  })

  test("another seller's products and deals are not found", async () => {
    const { id: productId } = await product(key, 'Boseong green tea')
    const { id: dealId } = await deal(key, productId)
    const stranger = apiKeyIdentity(sellerIdentity(), everything)
    const calls = [
      call('GET', `/seller/v1/products/${productId}`, { as: stranger }),
      call('PATCH', `/seller/v1/products/${productId}`, { as: stranger, body: { price: 1 } }),
      call('DELETE', `/seller/v1/products/${productId}`, { as: stranger }),
      call('GET', `/seller/v1/deals/${dealId}`, { as: stranger }),
      call('PATCH', `/seller/v1/deals/${dealId}`, { as: stranger, body: { quantity: 1 } }),
      call('POST', `/seller/v1/deals/${dealId}/suspend`, { as: stranger, body: { reason: 'mine now' } }),
    ]
    for (const response of await Promise.all(calls)) assert.equal(response.statusCode, 404, response.body)
    const booking = await call('POST', '/seller/v1/deals', {
      as: stranger,
      body: {
        productId,
        dealPrice: 1_000,
        quantity: 1,
        perUserLimit: 1,
        startsAt: new Date(Date.now() + 7_200_000).toISOString(),
        endsAt: new Date(Date.now() + 9_000_000).toISOString(),
      },
    })
    assert.equal(booking.statusCode, 404, booking.body)
    assert.deepEqual((await call('GET', '/seller/v1/products', { as: stranger })).json().items, [])
    assert.deepEqual((await call('GET', '/seller/v1/deals', { as: stranger })).json().items, [])
  })

  test('each route needs its scope; the seller’s own token holds them all', async () => {
    const readOnly = apiKeyIdentity(seller, ['products:read', 'deals:read'])
    const none = apiKeyIdentity(seller, ['webhooks:manage'])
    const id = randomUUID()
    const writes: [string, string, unknown?][] = [
      ['POST', '/seller/v1/products', { name: 'x', price: 1 }],
      ['PATCH', `/seller/v1/products/${id}`, { price: 1 }],
      ['DELETE', `/seller/v1/products/${id}`],
      ['POST', '/seller/v1/deals', {}],
      ['PATCH', `/seller/v1/deals/${id}`, { quantity: 1 }],
      ['POST', `/seller/v1/deals/${id}/suspend`, { reason: 'x' }],
    ]
    for (const [method, url, body] of writes) {
      const response = await call(method as 'POST', url, { as: readOnly, ...(body ? { body } : {}) })
      assert.equal(response.statusCode, 403, `${method} ${url}: ${response.body}`)
      assert.equal(response.json().code, 'INSUFFICIENT_SCOPE')
    }
    for (const url of ['/seller/v1/products', '/seller/v1/deals', `/seller/v1/deals/${id}`]) {
      const response = await call('GET', url, { as: none })
      assert.equal(response.statusCode, 403, url)
      assert.equal(response.json().code, 'INSUFFICIENT_SCOPE')
    }
    assert.equal((await call('GET', '/seller/v1/products', { as: readOnly })).statusCode, 200)
    assert.equal((await product(seller, 'Made with my own token')).sellerId, seller.sellerId)
  })

  test('bad input is a 4xx problem', async () => {
    const cases: [string, string, unknown][] = [
      ['POST', '/seller/v1/products', { name: 'x', price: -1 }],
      ['POST', '/seller/v1/products', { name: 'x', price: 1, sellerId: randomUUID() }],
      ['POST', '/seller/v1/deals', { productId: 'nope' }],
      ['PATCH', `/seller/v1/deals/${randomUUID()}`, {}],
    ]
    for (const [method, url, body] of cases) {
      const response = await call(method as 'POST', url, { as: key, body })
      assert.equal(response.statusCode, 400, `${method} ${url} ${JSON.stringify(body)}`)
      assert.equal(response.headers['content-type'], 'application/problem+json; charset=utf-8')
    }
    assert.equal((await call('GET', '/seller/v1/products?limit=0', { as: key })).statusCode, 400)
  })
})
