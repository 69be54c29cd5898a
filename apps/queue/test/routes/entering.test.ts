import { describe, test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { apiKeyIdentity, buyerIdentity, sellerIdentity } from '@deals/contracts/testing'
import { dealEndedV1 } from '@deals/contracts'
import { client, startTestQueueApp, type TestQueueApp } from '../support/test-queue-app.ts'

describe('entering a waiting room', () => {
  let t: TestQueueApp
  let call: ReturnType<typeof client>
  before(async () => {
    // Nobody is admitted in these tests: the entries stay in line where the test puts them.
    t = await startTestQueueApp({ ENTRY_MAX_PER_IP_PER_MINUTE: '20', PREQUEUE_SECONDS: '600' })
    call = client(t)
  })
  after(() => t.close())

  test('entering twice keeps the place; the entry can be read back', async () => {
    const { dealId } = await t.deal()
    await t.opened(dealId)
    await t.stock(dealId, true)
    const [first, second, third] = [buyerIdentity(), buyerIdentity(), buyerIdentity()]
    for (const as of [first, second, third]) await call('POST', `/deals/${dealId}/entries`, { as })

    const again = await call('POST', `/deals/${dealId}/entries`, { as: second })
    assert.equal(again.statusCode, 200)
    assert.equal(again.json().position, 2)
    assert.equal(again.json().status, 'SOLD_OUT')

    const mine = await call('GET', `/deals/${dealId}/entries/me`, { as: third })
    assert.equal(mine.statusCode, 200)
    assert.equal(mine.json().position, 3)
    const status = await call('GET', `/deals/${dealId}/status`)
    assert.equal(status.json().waiting, 3)
    assert.equal(status.json().state, 'SOLD_OUT')
  })

  test('before the opening an entry has no place yet and an ETA until the start', async () => {
    const startsAt = new Date(Date.now() + 120_000)
    const { dealId } = await t.deal({ startsAt: startsAt.toISOString() })
    const res = await call('POST', `/deals/${dealId}/entries`, { as: buyerIdentity() })
    assert.equal(res.statusCode, 200)
    const entry = res.json()
    assert.equal(entry.status, 'WAITING')
    assert.equal(entry.position, null)
    assert.ok(entry.etaSeconds > 100 && entry.etaSeconds <= 120, `eta ${entry.etaSeconds}`)
    assert.equal(entry.opensAt, startsAt.toISOString())
    assert.equal((await call('GET', `/deals/${dealId}/status`)).json().state, 'UPCOMING')
  })

  test('too early: 409 QUEUE_NOT_OPEN with the time entry opens', async () => {
    const startsAt = new Date(Date.now() + 3_600_000)
    const { dealId } = await t.deal({ startsAt: startsAt.toISOString() })
    const res = await call('POST', `/deals/${dealId}/entries`, { as: buyerIdentity() })
    assert.equal(res.statusCode, 409)
    assert.match(String(res.headers['content-type']), /^application\/problem\+json/)
    assert.equal(res.json().code, 'QUEUE_NOT_OPEN')
    assert.equal(res.json().entryOpensAt, new Date(startsAt.getTime() - 600_000).toISOString())
  })

  test('a deal without a waiting room: 409 QUEUE_NOT_REQUIRED; an unknown deal: 404 DEAL_NOT_FOUND', async () => {
    const { dealId } = await t.deal({ queueRequired: false })
    const res = await call('POST', `/deals/${dealId}/entries`, { as: buyerIdentity() })
    assert.equal(res.statusCode, 409)
    assert.equal(res.json().code, 'QUEUE_NOT_REQUIRED')

    const unknown = await call('POST', `/deals/${randomUUID()}/entries`, { as: buyerIdentity() })
    assert.equal(unknown.statusCode, 404)
    assert.equal(unknown.json().code, 'DEAL_NOT_FOUND')
    assert.equal((await call('GET', `/deals/${randomUUID()}/status`)).statusCode, 404)
  })

  test('an ended deal takes no new entries: 409 QUEUE_CLOSED; its old entries read CLOSED', async () => {
    const deal = await t.deal()
    await t.stock(deal.dealId, true)
    const early = buyerIdentity()
    await call('POST', `/deals/${deal.dealId}/entries`, { as: early })
    await t.deal({ ...deal, version: 2, status: 'ENDED' }, dealEndedV1.name)

    const late = await call('POST', `/deals/${deal.dealId}/entries`, { as: buyerIdentity() })
    assert.equal(late.statusCode, 409)
    assert.equal(late.json().code, 'QUEUE_CLOSED')
    const mine = await call('GET', `/deals/${deal.dealId}/entries/me`, { as: early })
    assert.equal(mine.json().status, 'CLOSED')
  })

  test('an older snapshot arriving late does not undo a newer one', async () => {
    const deal = await t.deal({ version: 3 })
    await t.publish(dealEndedV1.name, { ...deal, version: 2, status: 'ENDED' })
    await t.deal({ ...deal, version: 4, queueRequired: true })
    const res = await call('POST', `/deals/${deal.dealId}/entries`, { as: buyerIdentity() })
    assert.equal(res.statusCode, 200)
  })

  test('leaving frees the place: the buyers behind move up', async () => {
    const { dealId } = await t.deal()
    await t.opened(dealId)
    await t.stock(dealId, true)
    const [a, b] = [buyerIdentity(), buyerIdentity()]
    await call('POST', `/deals/${dealId}/entries`, { as: a })
    await call('POST', `/deals/${dealId}/entries`, { as: b })
    assert.equal((await call('DELETE', `/deals/${dealId}/entries/me`, { as: a })).statusCode, 204)
    assert.equal((await call('DELETE', `/deals/${dealId}/entries/me`, { as: a })).statusCode, 204)
    assert.equal((await call('GET', `/deals/${dealId}/entries/me`, { as: b })).json().position, 1)
    const gone = await call('GET', `/deals/${dealId}/entries/me`, { as: a })
    assert.equal(gone.statusCode, 404)
    assert.equal(gone.json().code, 'ENTRY_NOT_FOUND')
  })

  test('who may enter: buyers only, not API keys, not anonymous callers', async () => {
    const { dealId } = await t.deal()
    const seller = sellerIdentity()
    const viaKey = await call('POST', `/deals/${dealId}/entries`, {
      as: apiKeyIdentity(seller, ['deals:read']),
    })
    assert.equal(viaKey.statusCode, 403)
    assert.equal(viaKey.json().code, 'API_KEY_NOT_ALLOWED')
    const noBuyerRole = await call('POST', `/deals/${dealId}/entries`, {
      as: { userId: randomUUID(), roles: ['ADMIN'] },
    })
    assert.equal(noBuyerRole.statusCode, 403)
    assert.equal((await call('POST', `/deals/${dealId}/entries`)).statusCode, 401)
  })

  test('bad input is a 4xx problem, never a 500', async () => {
    const buyer = buyerIdentity()
    for (const [method, url] of [
      ['POST', '/deals/not-a-uuid/entries'],
      ['GET', '/deals/123/entries/me'],
      ['DELETE', '/deals/x/entries/me'],
      ['GET', '/deals/%E0%A4%A/status'],
      ['GET', `/deals/${'a'.repeat(5000)}/stream`],
    ] as const) {
      const res = await call(method, url, { as: buyer })
      assert.ok(res.statusCode >= 400 && res.statusCode < 500, `${method} ${url}: ${res.statusCode}`)
      assert.match(String(res.headers['content-type']), /^application\/problem\+json/, `${method} ${url}`)
    }
    const { dealId } = await t.deal()
    const rate = await call('PUT', `/admin/deals/${dealId}/admission-rate`, {
      as: { userId: randomUUID(), roles: ['ADMIN'] },
      body: { perSecond: 0 },
    })
    assert.equal(rate.statusCode, 400)
  })

  test('one address entering too often is cut off with 429 TOO_MANY_REQUESTS; other addresses are not', async () => {
    const { dealId } = await t.deal()
    const statuses: number[] = []
    for (let i = 0; i < 21; i++)
      statuses.push(
        (await call('POST', `/deals/${dealId}/entries`, { as: buyerIdentity(), ip: '10.1.2.3' })).statusCode,
      )
    assert.deepEqual(statuses.slice(0, 20), Array(20).fill(200))
    assert.equal(statuses[20], 429)
    const blocked = await call('POST', `/deals/${dealId}/entries`, { as: buyerIdentity(), ip: '10.1.2.3' })
    assert.equal(blocked.json().code, 'TOO_MANY_REQUESTS')
    const other = await call('POST', `/deals/${dealId}/entries`, { as: buyerIdentity(), ip: '10.1.2.4' })
    assert.equal(other.statusCode, 200)
  })

  test('an operator sets a deal’s own admission rate; the status shows it', async () => {
    const { dealId } = await t.deal()
    const admin = { userId: randomUUID(), roles: ['ADMIN' as const] }
    const set = await call('PUT', `/admin/deals/${dealId}/admission-rate`, {
      as: admin,
      body: { perSecond: 7 },
    })
    assert.equal(set.statusCode, 200)
    assert.equal(set.json().admissionRatePerSecond, 7)
    const cleared = await call('PUT', `/admin/deals/${dealId}/admission-rate`, {
      as: admin,
      body: { perSecond: null },
    })
    assert.equal(cleared.json().admissionRatePerSecond, t.config.ADMISSION_RATE_PER_SECOND)
    const asBuyer = await call('PUT', `/admin/deals/${dealId}/admission-rate`, {
      as: buyerIdentity(),
      body: { perSecond: 7 },
    })
    assert.equal(asBuyer.statusCode, 403)
  })
})
