import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { dealResumedV1, dealSuspendedV1, dealUpdatedV1 } from '@deals/contracts'
import { adminIdentity, buyerIdentity, sellerIdentity } from '@deals/contracts/testing'
import { client, startTestCatalogApp, type TestCatalogApp } from '../../support/test-catalog-app.ts'
import {
  bookDeal,
  createProduct,
  dealStatus,
  inSeconds,
  outboxEvents,
  sleepUntil,
  waitForStatus,
} from './deal-fixtures.ts'

const HOUR = 3600

describe('changing, suspending and resuming a deal', () => {
  let t: TestCatalogApp
  const seller = sellerIdentity()
  const call = (...args: Parameters<ReturnType<typeof client>>) => client(t)(...args)

  before(async () => {
    t = await startTestCatalogApp()
  })
  after(() => t.close())

  test('PATCH moves the start: the old open job is a no-op, the deal opens at the new time', async () => {
    const product = await createProduct(t, seller, { price: 20_000 })
    const oldStart = inSeconds(6)
    const deal = await bookDeal(t, seller, product, oldStart, inSeconds(HOUR))
    await waitForStatus(t, deal.id, 'SCHEDULED', 3_000)
    const newStart = new Date(oldStart.getTime() + 4_000)
    const patched = await call('PATCH', `/deals/${deal.id}`, {
      as: seller,
      body: { startsAt: newStart.toISOString(), dealPrice: 9_900 },
    })
    assert.equal(patched.statusCode, 200, patched.body)
    assert.equal(patched.json().status, 'SCHEDULED')
    assert.equal(patched.json().version, 3)
    assert.equal(patched.json().dealPrice, 9_900)

    await sleepUntil(new Date(oldStart.getTime() + 1_500))
    assert.equal(await dealStatus(t, deal.id), 'SCHEDULED', 'the job for the old start did nothing')
    await waitForStatus(t, deal.id, 'OPEN', newStart.getTime() - Date.now() + 3_000)

    const events = await outboxEvents(t, deal.id)
    assert.deepEqual(
      events.map((e) => [e.event_name, e.payload.version]),
      [
        ['deal.created.v1', 1],
        ['deal.scheduled.v1', 2],
        ['deal.updated.v1', 3],
        ['deal.opened.v1', 4],
      ],
    )
    const updated = dealUpdatedV1.payload.parse(events[2]!.payload)
    assert.equal(updated.startsAt, newStart.toISOString())
    assert.equal(updated.dealPrice, 9_900)
  })

  test('PATCH re-validates, checks the slot, and is refused once the deal is open or for others', async () => {
    const product = await createProduct(t, seller, { price: 10_000 })
    const first = await bookDeal(t, seller, product, inSeconds(HOUR), inSeconds(2 * HOUR))
    const second = await bookDeal(t, seller, product, inSeconds(3 * HOUR), inSeconds(4 * HOUR))
    const patch = (id: string, body: object, as = seller) => call('PATCH', `/deals/${id}`, { as, body })

    assert.equal((await patch(first.id, { dealPrice: 10_000 })).json().code, 'INVALID_DEAL_PRICE')
    assert.equal((await patch(first.id, { perUserLimit: 101 })).json().code, 'INVALID_DEAL_LIMIT')
    assert.equal(
      (await patch(first.id, { endsAt: inSeconds(30).toISOString() })).json().code,
      'INVALID_DEAL_TIMES',
    )
    const overlap = await patch(second.id, { startsAt: inSeconds(HOUR + 60).toISOString() })
    assert.equal(overlap.statusCode, 409)
    assert.equal(overlap.json().code, 'DEAL_SLOT_TAKEN')
    assert.equal((await patch(first.id, { quantity: 10 }, sellerIdentity())).statusCode, 404)
    assert.equal((await patch(first.id, { quantity: 10 }, buyerIdentity())).statusCode, 403)
    // Moving within its own slot is not an overlap with itself.
    const moved = await patch(first.id, { startsAt: inSeconds(HOUR + 60).toISOString() })
    assert.equal(moved.statusCode, 200, moved.body)

    const opening = await bookDeal(t, seller, await createProduct(t, seller), inSeconds(2), inSeconds(HOUR))
    await waitForStatus(t, opening.id, 'OPEN', 6_000)
    const late = await patch(opening.id, { quantity: 5, perUserLimit: 1 })
    assert.equal(late.statusCode, 409)
    assert.equal(late.json().code, 'DEAL_NOT_EDITABLE')
  })

  test('a suspended open deal disappears for buyers and comes back OPEN when resumed', async () => {
    const product = await createProduct(t, seller)
    const deal = await bookDeal(t, seller, product, inSeconds(2), inSeconds(HOUR))
    await waitForStatus(t, deal.id, 'OPEN', 6_000)

    const suspended = await call('POST', `/deals/${deal.id}/suspend`, {
      as: seller,
      body: { reason: '재고 확인 중' },
    })
    assert.equal(suspended.statusCode, 200)
    assert.equal(suspended.json().status, 'SUSPENDED')
    assert.equal((await call('GET', `/deals/${deal.id}`, { as: buyerIdentity() })).statusCode, 404)
    assert.equal((await call('GET', `/deals/${deal.id}`)).statusCode, 404)
    const own = await call('GET', `/deals/${deal.id}`, { as: seller })
    assert.equal(own.json().suspendedReason, '재고 확인 중')
    const again = await call('POST', `/deals/${deal.id}/suspend`, { as: seller, body: { reason: 'x' } })
    assert.equal(again.json().code, 'DEAL_NOT_SUSPENDABLE')

    const resumed = await call('POST', `/deals/${deal.id}/resume`, { as: seller })
    assert.equal(resumed.statusCode, 200)
    assert.equal(resumed.json().status, 'OPEN')
    assert.equal(resumed.json().suspendedReason, null)
    assert.equal(
      (await call('POST', `/deals/${deal.id}/resume`, { as: seller })).json().code,
      'DEAL_NOT_SUSPENDED',
    )

    const events = await outboxEvents(t, deal.id)
    const names = events.map((e) => e.event_name)
    assert.deepEqual(names.slice(-2), ['deal.suspended.v1', 'deal.resumed.v1'])
    assert.equal(dealSuspendedV1.payload.parse(events.at(-2)!.payload).status, 'SUSPENDED')
    assert.equal(dealResumedV1.payload.parse(events.at(-1)!.payload).status, 'OPEN')
  })

  test('a deal suspended past its start stays suspended, and when resumed opens then ends on time', async () => {
    const product = await createProduct(t, seller)
    const startsAt = inSeconds(3)
    const endsAt = inSeconds(8)
    const deal = await bookDeal(t, seller, product, startsAt, endsAt)
    await waitForStatus(t, deal.id, 'SCHEDULED', 3_000)
    await call('POST', `/deals/${deal.id}/suspend`, { as: seller, body: { reason: 'hold' } })
    await sleepUntil(new Date(startsAt.getTime() + 1_500))
    assert.equal(await dealStatus(t, deal.id), 'SUSPENDED', 'the open job found the version moved on')

    const resumed = await call('POST', `/deals/${deal.id}/resume`, { as: seller })
    assert.equal(resumed.json().status, 'OPEN')
    await waitForStatus(t, deal.id, 'ENDED', endsAt.getTime() - Date.now() + 3_000)
    assert.ok(Date.now() >= endsAt.getTime())
  })

  test('an admin suspends any deal; only an admin resumes it', async () => {
    const product = await createProduct(t, seller)
    const deal = await bookDeal(t, seller, product, inSeconds(HOUR), inSeconds(2 * HOUR))
    const admin = adminIdentity()
    const byOther = await call('POST', `/deals/${deal.id}/suspend`, {
      as: sellerIdentity(),
      body: { reason: 'not mine' },
    })
    assert.equal(byOther.statusCode, 404)
    const byBuyer = await call('POST', `/deals/${deal.id}/suspend`, {
      as: buyerIdentity(),
      body: { reason: 'x' },
    })
    assert.equal(byBuyer.statusCode, 403)

    const suspended = await call('POST', `/deals/${deal.id}/suspend`, {
      as: admin,
      body: { reason: '허위 할인율' },
    })
    assert.equal(suspended.statusCode, 200)
    assert.equal((await call('GET', `/deals/${deal.id}`, { as: admin })).json().status, 'SUSPENDED')
    const bySeller = await call('POST', `/deals/${deal.id}/resume`, { as: seller })
    assert.equal(bySeller.statusCode, 403)
    assert.equal(bySeller.json().code, 'DEAL_SUSPENDED_BY_ADMIN')
    const byAdmin = await call('POST', `/deals/${deal.id}/resume`, { as: admin })
    assert.equal(byAdmin.statusCode, 200)
    assert.equal(byAdmin.json().status, 'SCHEDULED')
  })

  test('resuming after the end leaves the deal ENDED', async () => {
    const product = await createProduct(t, seller)
    const endsAt = inSeconds(4)
    const deal = await bookDeal(t, seller, product, inSeconds(2), endsAt)
    await call('POST', `/deals/${deal.id}/suspend`, { as: seller, body: { reason: 'stop' } })
    await sleepUntil(new Date(endsAt.getTime() + 200))
    const resumed = await call('POST', `/deals/${deal.id}/resume`, { as: seller })
    assert.equal(resumed.json().status, 'ENDED')
  })
})
