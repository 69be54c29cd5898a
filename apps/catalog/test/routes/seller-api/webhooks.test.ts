import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import type { Identity } from '@deals/contracts'
import { apiKeyIdentity, buyerIdentity, sellerIdentity } from '@deals/contracts/testing'
import { client, sql, startTestCatalogApp, type TestCatalogApp } from '../../support/test-catalog-app.ts'

const SECRET = 'whsec-partner-0123456789'

describe('seller API: webhooks', () => {
  let t: TestCatalogApp
  let call: ReturnType<typeof client>
  const seller = sellerIdentity()
  const key = apiKeyIdentity(seller, ['webhooks:manage'])
  before(async () => {
    t = await startTestCatalogApp()
    call = client(t)
  })
  after(() => t.close())

  const register = (as: Identity, body: Record<string, unknown> = {}) =>
    call('POST', '/seller/v1/webhooks', {
      as,
      body: { url: 'http://127.0.0.1:9/hooks', secret: SECRET, events: ['deal.opened.v1'], ...body },
    })

  test('a partner registers, reads, changes and deletes a webhook; the secret never comes back', async () => {
    const created = await register(key, { events: ['deal.opened.v1', 'order.paid.v1', 'order.paid.v1'] })
    assert.equal(created.statusCode, 201, created.body)
    const webhook = created.json()
    assert.deepEqual(webhook.events, ['deal.opened.v1', 'order.paid.v1'])
    assert.equal(webhook.active, true)
    assert.ok(!created.body.includes(SECRET) && !('secret' in webhook))

    const [row] = await sql<{ secret_enc: string }>(t, 'SELECT secret_enc FROM webhooks WHERE id = $1', [
      webhook.id,
    ])
    assert.match(row!.secret_enc, /^v1\./)
    assert.ok(!row!.secret_enc.includes(SECRET))

    const listed = await call('GET', '/seller/v1/webhooks', { as: key })
    assert.deepEqual(
      listed.json().items.map((w: { id: string }) => w.id),
      [webhook.id],
    )
    assert.ok(!listed.body.includes(SECRET))

    const changed = await call('PATCH', `/seller/v1/webhooks/${webhook.id}`, {
      as: key,
      body: { events: ['order.cancelled.v1'], active: false, secret: 'another-secret-of-16+' },
    })
    assert.equal(changed.statusCode, 200, changed.body)
    assert.deepEqual(changed.json().events, ['order.cancelled.v1'])
    assert.equal(changed.json().active, false)
    assert.ok(!changed.body.includes('another-secret'))

    const fetched = await call('GET', `/seller/v1/webhooks/${webhook.id}`, { as: key })
    assert.equal(fetched.json().active, false)

    assert.equal((await call('DELETE', `/seller/v1/webhooks/${webhook.id}`, { as: key })).statusCode, 204)
    assert.equal((await call('GET', `/seller/v1/webhooks/${webhook.id}`, { as: key })).statusCode, 404)
    assert.equal((await call('DELETE', `/seller/v1/webhooks/${webhook.id}`, { as: key })).statusCode, 404)
  })

  test("another seller's webhook is not found, whatever the call", async () => {
    const mine = (await register(key)).json()
    const other = apiKeyIdentity(sellerIdentity(), ['webhooks:manage'])
    const calls = [
      call('GET', `/seller/v1/webhooks/${mine.id}`, { as: other }),
      call('PATCH', `/seller/v1/webhooks/${mine.id}`, { as: other, body: { active: false } }),
      call('DELETE', `/seller/v1/webhooks/${mine.id}`, { as: other }),
      call('GET', `/seller/v1/webhooks/${mine.id}/deliveries`, { as: other }),
      call('POST', `/seller/v1/webhooks/${mine.id}/ping`, { as: other }),
      call('POST', `/seller/v1/webhooks/${mine.id}/deliveries/${randomUUID()}/redeliver`, { as: other }),
    ]
    for (const response of await Promise.all(calls)) {
      assert.equal(response.statusCode, 404, response.body)
      assert.equal(response.json().code, 'NOT_FOUND')
    }
    assert.deepEqual((await call('GET', '/seller/v1/webhooks', { as: other })).json().items, [])
    assert.equal((await call('GET', `/seller/v1/webhooks/${mine.id}`, { as: key })).json().active, true)
  })

  test('an API key without webhooks:manage gets INSUFFICIENT_SCOPE; the seller’s own token holds every scope', async () => {
    const narrow = apiKeyIdentity(seller, ['products:read', 'deals:write'])
    for (const [method, url] of [
      ['GET', '/seller/v1/webhooks'],
      ['POST', '/seller/v1/webhooks'],
      ['GET', `/seller/v1/webhooks/${randomUUID()}`],
    ] as const) {
      const response = await call(method, url, {
        as: narrow,
        ...(method === 'POST'
          ? { body: { url: 'http://127.0.0.1:9/h', secret: SECRET, events: ['deal.opened.v1'] } }
          : {}),
      })
      assert.equal(response.statusCode, 403, `${method} ${url}`)
      assert.equal(response.json().code, 'INSUFFICIENT_SCOPE')
    }

    const own = await register(seller)
    assert.equal(own.statusCode, 201, own.body)
    assert.ok(
      (await call('GET', '/seller/v1/webhooks', { as: key }))
        .json()
        .items.some((w: { id: string }) => w.id === own.json().id),
    )

    const buyer = await call('GET', '/seller/v1/webhooks', { as: buyerIdentity() })
    assert.equal(buyer.statusCode, 403)
    assert.equal(buyer.json().code, 'FORBIDDEN')
    assert.equal((await call('GET', '/seller/v1/webhooks')).statusCode, 401)
  })

  test('bad input is a 4xx problem and writes nothing', async () => {
    const other = apiKeyIdentity(sellerIdentity(), ['webhooks:manage'])
    const cases: [Record<string, unknown>, number, string][] = [
      [{ url: 'ftp://example.com/hook' }, 400, 'WEBHOOK_URL_REFUSED'],
      [{ url: 'not a url' }, 400, 'WEBHOOK_URL_REFUSED'],
      [{ url: 'https://10.1.2.3/hook' }, 400, 'WEBHOOK_URL_REFUSED'],
      [{ url: 'https://169.254.169.254/latest/meta-data' }, 400, 'WEBHOOK_URL_REFUSED'],
      [{ url: 'http://[fd00::1]/hook' }, 400, 'WEBHOOK_URL_REFUSED'],
      [{ url: 'http://[::ffff:192.168.0.1]/hook' }, 400, 'WEBHOOK_URL_REFUSED'],
      [{ url: 'https://user:pass@127.0.0.1/hook' }, 400, 'WEBHOOK_URL_REFUSED'],
      [{ secret: 'short' }, 400, 'VALIDATION_FAILED'],
      [{ events: [] }, 400, 'VALIDATION_FAILED'],
      [{ events: ['deal.opened.v1', 'user.registered.v1'] }, 400, 'VALIDATION_FAILED'],
      [{ events: 'deal.opened.v1' }, 400, 'VALIDATION_FAILED'],
      [{ extra: true }, 400, 'VALIDATION_FAILED'],
    ]
    for (const [body, status, code] of cases) {
      const response = await register(other, body)
      assert.equal(response.statusCode, status, JSON.stringify(body))
      assert.equal(response.headers['content-type'], 'application/problem+json; charset=utf-8')
      assert.equal(response.json().code, code, JSON.stringify(body))
    }
    const created = (await register(other)).json()
    const patches: Record<string, unknown>[] = [
      {},
      { url: 'https://192.168.1.1/x' },
      { secret: 'x' },
      { id: randomUUID() },
    ]
    for (const body of patches) {
      const response = await call('PATCH', `/seller/v1/webhooks/${created.id}`, { as: other, body })
      assert.ok(response.statusCode === 400, `${JSON.stringify(body)} -> ${response.statusCode}`)
    }
    assert.equal((await call('GET', '/seller/v1/webhooks/not-a-uuid', { as: other })).statusCode, 400)
    const cursor = await call('GET', `/seller/v1/webhooks/${created.id}/deliveries?cursor=garbage`, {
      as: other,
    })
    assert.equal(cursor.json().code, 'INVALID_CURSOR')
    const rows = await sql(t, 'SELECT url FROM webhooks WHERE seller_id = $1', [other.sellerId])
    assert.deepEqual(rows, [{ url: 'http://127.0.0.1:9/hooks' }])
  })

  test('a seller has at most ten webhooks', async () => {
    const busy = apiKeyIdentity(sellerIdentity(), ['webhooks:manage'])
    const results = await Promise.all(Array.from({ length: 12 }, () => register(busy)))
    assert.equal(results.filter((r) => r.statusCode === 201).length, 10)
    assert.ok(
      results.filter((r) => r.statusCode === 409).every((r) => r.json().code === 'WEBHOOK_LIMIT_REACHED'),
    )
  })
})

describe('seller API: webhooks in production', () => {
  let t: TestCatalogApp
  before(async () => {
    // Production refuses every development default of the configuration, so the app is built
    // from a test configuration with only NODE_ENV flipped.
    t = await startTestCatalogApp()
    t.config.NODE_ENV = 'production'
    await t.restart()
  })
  after(() => t.close())

  test('plain http and loopback URLs are refused', async () => {
    const key = apiKeyIdentity(sellerIdentity(), ['webhooks:manage'])
    for (const url of [
      'http://example.com/hook',
      'https://127.0.0.1/hook',
      'https://[::1]/hook',
      'https://localhost/hook',
    ]) {
      const response = await client(t)('POST', '/seller/v1/webhooks', {
        as: key,
        body: { url, secret: SECRET, events: ['deal.opened.v1'] },
      })
      assert.equal(response.statusCode, 400, url)
      assert.equal(response.json().code, 'WEBHOOK_URL_REFUSED', url)
    }
  })
})
