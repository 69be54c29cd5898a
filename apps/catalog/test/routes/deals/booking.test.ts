import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { buyerIdentity, sellerIdentity, adminIdentity } from '@deals/contracts/testing'
import { client, sql, startTestCatalogApp, type TestCatalogApp } from '../../support/test-catalog-app.ts'
import { bookDeal, createProduct, dealBody, inSeconds } from './deal-fixtures.ts'

const HOUR = 3600

describe('booking a time deal', () => {
  let t: TestCatalogApp
  const seller = sellerIdentity()
  const call = (...args: Parameters<ReturnType<typeof client>>) => client(t)(...args)

  before(async () => {
    t = await startTestCatalogApp()
  })
  after(() => t.close())

  test('a seller books a deal on its product: HIDDEN at version 1, with the server clock', async () => {
    const product = await createProduct(t, seller, { price: 30_000 })
    const startsAt = inSeconds(2 * HOUR)
    const response = await call('POST', '/deals', {
      as: seller,
      body: dealBody(product, startsAt, inSeconds(3 * HOUR), { dealPrice: 19_900 }),
    })
    assert.equal(response.statusCode, 201, response.body)
    const deal = response.json()
    assert.equal(deal.status, 'HIDDEN')
    assert.equal(deal.version, 1)
    assert.equal(deal.productId, product.id)
    assert.equal(deal.sellerId, seller.sellerId)
    assert.equal(deal.regularPrice, 30_000)
    assert.equal(deal.discountPercent, 33)
    assert.equal(deal.startsAt, startsAt.toISOString())
    assert.ok(Math.abs(Date.parse(deal.serverTime) - Date.now()) < 5_000)
    assert.ok(deal.secondsToStart > 2 * HOUR - 10 && deal.secondsToStart <= 2 * HOUR)
  })

  test('a buyer may not book (403); another seller books on a product not theirs as not found (404)', async () => {
    const product = await createProduct(t, seller)
    const body = dealBody(product, inSeconds(HOUR), inSeconds(2 * HOUR))
    const asBuyer = await call('POST', '/deals', { as: buyerIdentity(), body })
    assert.equal(asBuyer.statusCode, 403)
    const asOther = await call('POST', '/deals', { as: sellerIdentity(), body })
    assert.equal(asOther.statusCode, 404)
    assert.equal(asOther.json().code, 'PRODUCT_NOT_FOUND')
    const anonymous = await call('POST', '/deals', { body })
    assert.equal(anonymous.statusCode, 401)
    const rows = await sql(t, 'SELECT 1 FROM deals WHERE product_id = $1', [product.id])
    assert.equal(rows.length, 0)
  })

  test('a deleted product cannot get a deal (404)', async () => {
    const product = await createProduct(t, seller)
    await sql(t, `UPDATE products SET status = 'DELETED' WHERE id = $1`, [product.id])
    const response = await call('POST', '/deals', {
      as: seller,
      body: dealBody(product, inSeconds(HOUR), inSeconds(2 * HOUR)),
    })
    assert.equal(response.statusCode, 404)
  })

  test('terms the product and the clock do not allow are refused with their code', async () => {
    const product = await createProduct(t, seller, { price: 10_000 })
    const cases: [object, string][] = [
      [{ dealPrice: 10_000 }, 'INVALID_DEAL_PRICE'],
      [{ dealPrice: 12_000 }, 'INVALID_DEAL_PRICE'],
      [{ quantity: 5, perUserLimit: 6 }, 'INVALID_DEAL_LIMIT'],
      [{ startsAt: inSeconds(-60).toISOString() }, 'INVALID_DEAL_TIMES'],
      [{ endsAt: inSeconds(HOUR).toISOString() }, 'INVALID_DEAL_TIMES'],
      [{ endsAt: inSeconds(HOUR + 8 * 24 * HOUR).toISOString() }, 'INVALID_DEAL_TIMES'],
    ]
    for (const [overrides, code] of cases) {
      const response = await call('POST', '/deals', {
        as: seller,
        body: dealBody(product, inSeconds(HOUR), inSeconds(2 * HOUR), overrides),
      })
      assert.equal(response.statusCode, 422, JSON.stringify(overrides))
      assert.equal(response.json().code, code, JSON.stringify(overrides))
    }
  })

  test('bad input is a 4xx problem, never a 500', async () => {
    const product = await createProduct(t, seller)
    const valid = dealBody(product, inSeconds(HOUR), inSeconds(2 * HOUR))
    const bodies: unknown[] = [
      {},
      { ...valid, productId: 'not-a-uuid' },
      { ...valid, dealPrice: -1 },
      { ...valid, dealPrice: 1.5 },
      { ...valid, dealPrice: '1000' },
      { ...valid, quantity: 0 },
      { ...valid, perUserLimit: 0 },
      { ...valid, startsAt: 'tomorrow' },
      { ...valid, endsAt: '2026-13-45T25:00:00Z' },
      { ...valid, queueRequired: 'yes' },
      { ...valid, extra: true },
      [valid],
      'x'.repeat(100),
    ]
    for (const body of bodies) {
      const response = await call('POST', '/deals', { as: seller, body })
      assert.ok(
        response.statusCode >= 400 && response.statusCode < 500,
        `${response.statusCode} ${response.body}`,
      )
      assert.match(String(response.headers['content-type']), /application\/problem\+json/)
    }
    const requests: [Parameters<ReturnType<typeof client>>[0], string, unknown?][] = [
      ['GET', '/deals/not-a-uuid'],
      ['GET', `/deals/${'9'.repeat(5000)}`],
      ['PATCH', '/deals/not-a-uuid', { dealPrice: 1 }],
      ['PATCH', `/deals/${crypto.randomUUID()}`, {}],
      ['POST', `/deals/${crypto.randomUUID()}/suspend`, {}],
      ['POST', `/deals/${crypto.randomUUID()}/suspend`, { reason: '' }],
      ['GET', '/deals?window=month'],
      ['GET', '/deals?status=HIDDEN'],
      ['GET', '/deals?limit=0'],
      ['GET', '/deals?limit=abc'],
      ['GET', '/deals?cursor=garbage'],
      ['GET', '/deals?sort=random'],
      ['GET', '/seller/deals?status=LOST'],
    ]
    for (const [method, url, body] of requests) {
      const response = await call(method, url, { as: seller, ...(body === undefined ? {} : { body }) })
      assert.ok(
        response.statusCode >= 400 && response.statusCode < 500,
        `${method} ${url}: ${response.statusCode}`,
      )
      assert.match(String(response.headers['content-type']), /application\/problem\+json/)
    }
    const rows = await sql(t, 'SELECT 1 FROM deals WHERE product_id = $1', [product.id])
    assert.equal(rows.length, 0)
  })

  test('an overlapping slot of the same product is refused with DEAL_SLOT_TAKEN; adjacent slots are fine', async () => {
    const product = await createProduct(t, seller)
    const first = await bookDeal(t, seller, product, inSeconds(HOUR), inSeconds(3 * HOUR))
    const overlapping = await call('POST', '/deals', {
      as: seller,
      body: dealBody(product, inSeconds(2 * HOUR), inSeconds(4 * HOUR)),
    })
    assert.equal(overlapping.statusCode, 409)
    assert.equal(overlapping.json().code, 'DEAL_SLOT_TAKEN')
    assert.match(overlapping.json().detail, new RegExp(first.id))
    await bookDeal(t, seller, product, new Date(first.endsAt), inSeconds(4 * HOUR))
    await bookDeal(t, seller, await createProduct(t, seller), inSeconds(2 * HOUR), inSeconds(4 * HOUR))
  })

  test('20 concurrent overlapping bookings of one product: exactly one succeeds', async () => {
    const product = await createProduct(t, seller)
    const responses = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        call('POST', '/deals', {
          as: seller,
          body: dealBody(product, inSeconds(HOUR + i * 60), inSeconds(2 * HOUR + i * 60)),
        }),
      ),
    )
    const statuses = responses.map((r) => r.statusCode).sort()
    assert.deepEqual(statuses, [201, ...Array(19).fill(409)])
    for (const r of responses.filter((r) => r.statusCode === 409))
      assert.equal(r.json().code, 'DEAL_SLOT_TAKEN')
    const rows = await sql(t, 'SELECT id FROM deals WHERE product_id = $1', [product.id])
    assert.equal(rows.length, 1)
    const events = await sql(
      t,
      `SELECT 1 FROM outbox_messages WHERE event_name = 'deal.created.v1' AND payload->>'productId' = $1`,
      [product.id],
    )
    assert.equal(events.length, 1)
  })

  test('a suspended deal frees its slot; resuming it when the slot is taken is refused', async () => {
    const product = await createProduct(t, seller)
    const first = await bookDeal(t, seller, product, inSeconds(HOUR), inSeconds(2 * HOUR))
    const suspended = await call('POST', `/deals/${first.id}/suspend`, {
      as: seller,
      body: { reason: 'typo' },
    })
    assert.equal(suspended.statusCode, 200)
    await bookDeal(t, seller, product, inSeconds(HOUR), inSeconds(2 * HOUR))
    const resumed = await call('POST', `/deals/${first.id}/resume`, { as: seller })
    assert.equal(resumed.statusCode, 409)
    assert.equal(resumed.json().code, 'DEAL_SLOT_TAKEN')
  })

  test('an admin may not book: booking needs a seller account', async () => {
    const product = await createProduct(t, seller)
    const response = await call('POST', '/deals', {
      as: adminIdentity(),
      body: dealBody(product, inSeconds(HOUR), inSeconds(2 * HOUR)),
    })
    assert.equal(response.statusCode, 403)
  })
})
