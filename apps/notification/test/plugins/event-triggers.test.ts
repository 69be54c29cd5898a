import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import {
  dealScheduledV1,
  keywordAlertMatchedV1,
  orderCancelledV1,
  orderPlacedV1,
  partyCancelledV1,
  partyCreatedV1,
  partyExpiredV1,
  partyFilledV1,
  partyJoinedV1,
  storeFollowedV1,
  storeUnfollowedV1,
  userRegisteredV1,
} from '@deals/contracts'
import { buyerIdentity } from '@deals/contracts/testing'
import {
  client,
  sql,
  startTestNotificationApp,
  type TestNotificationApp,
} from '../support/test-notification-app.ts'
import { CONSUMERS } from '../../src/plugins/event-consumers.ts'
import { dealSnapshot, deliveredTwice, notificationsOf, partyCreated, processed } from '../support/events.ts'

describe('events become notifications for the right users', () => {
  let t: TestNotificationApp
  before(async () => {
    t = await startTestNotificationApp()
  })
  after(() => t.close())

  test('a keyword alert match tells the alert owner', async () => {
    const userId = randomUUID()
    const deal = dealSnapshot({ productName: '제주 한라봉 3kg' })
    const event = await t.publish({
      name: keywordAlertMatchedV1.name,
      payload: { userId, alertId: randomUUID(), keyword: '한라봉', deal },
    })
    await processed(t, event.id)
    const [notice, ...rest] = await notificationsOf(t, userId)
    assert.equal(rest.length, 0)
    assert.equal(notice!.kind, 'KEYWORD_ALERT')
    assert.match(notice!.title, /한라봉/)
    assert.equal(notice!.source_event_id, event.id)
  })

  test('a scheduled deal tells the followers of its store, not those who unfollowed', async () => {
    const storeId = randomUUID()
    const [follower, leaver, stranger] = [randomUUID(), randomUUID(), randomUUID()]
    const minute = 60_000
    const follows = [
      { name: storeFollowedV1.name, payload: { userId: follower, storeId } },
      { name: storeFollowedV1.name, payload: { userId: leaver, storeId } },
      { name: storeUnfollowedV1.name, payload: { userId: leaver, storeId } },
      { name: storeFollowedV1.name, payload: { userId: stranger, storeId: randomUUID() } },
    ]
    // Occurrence times, not arrival order, decide: the unfollow is newer than the follow.
    for (const [i, f] of follows.entries())
      await processed(t, (await t.publish({ ...f, occurredAt: new Date(Date.now() - (10 - i) * minute) })).id)

    const event = await t.publish({ name: dealScheduledV1.name, payload: dealSnapshot({ storeId }) })
    await processed(t, event.id)
    assert.deepEqual(
      (await notificationsOf(t, follower)).map((n) => n.kind),
      ['STORE_DEAL'],
    )
    assert.deepEqual(await notificationsOf(t, leaver), [])
    assert.deepEqual(await notificationsOf(t, stranger), [])
  })

  test('an older follow event arriving late does not undo a newer unfollow', async () => {
    const storeId = randomUUID()
    const userId = randomUUID()
    await processed(t, (await t.publish({ name: storeUnfollowedV1.name, payload: { userId, storeId } })).id)
    const late = await t.publish({
      name: storeFollowedV1.name,
      payload: { userId, storeId },
      occurredAt: new Date(Date.now() - 60_000),
    })
    await processed(t, late.id)
    const rows = await sql(t, 'SELECT following FROM store_follows WHERE store_id = $1', [storeId])
    assert.deepEqual(rows, [{ following: false }])
  })

  test('order events tell the buyer each status change; an event with no status tells no one', async () => {
    const userId = randomUUID()
    const orderId = randomUUID()
    const facts = {
      orderId,
      userId,
      sellerId: randomUUID(),
      dealId: randomUUID(),
      productId: randomUUID(),
      quantity: 1,
      amount: 9_900,
    }
    const placed = await t.publish({
      name: orderPlacedV1.name,
      payload: orderPlacedV1.payload.parse({
        ...facts,
        productName: '참외',
        unitPrice: 9_900,
        paymentMethod: 'WALLET',
        reservationExpiresAt: null,
        placedAt: new Date().toISOString(),
      }),
    })
    // Order events this service was written before: read by their name and the fields it knows.
    const paid = await t.publish({ name: 'order.paid.v1', payload: { orderId, userId, paidAt: 'x' } })
    const returnRequested = await t.publish({
      name: 'order.return-requested.v1',
      payload: { orderId, userId },
    })
    const noted = await t.publish({ name: 'order.noted.v1', payload: { orderId, userId } })
    const cancelled = await t.publish({
      name: orderCancelledV1.name,
      payload: orderCancelledV1.payload.parse({
        ...facts,
        reason: 'BUYER_CANCELLED',
        previousStatus: 'PAID',
        cancelledAt: new Date().toISOString(),
      }),
    })
    for (const e of [placed, paid, returnRequested, noted, cancelled]) await processed(t, e.id)

    const feed = await client(t)('GET', '/?limit=10', { as: buyerIdentity({ userId }) })
    const items = feed.json().items as { kind: string; data: { status: string; orderId: string } }[]
    assert.deepEqual(items.map((n) => [n.kind, n.data.status]).sort(), [
      ['ORDER_STATUS', 'CANCELLED'],
      ['ORDER_STATUS', 'PAID'],
      ['ORDER_STATUS', 'PENDING_PAYMENT'],
      ['ORDER_STATUS', 'RETURN_REQUESTED'],
    ])
    assert.ok(items.every((n) => n.data.orderId === orderId))
  })

  test('the same message delivered twice notifies once', async () => {
    const userId = randomUUID()
    const payload = { userId, alertId: randomUUID(), keyword: '참외', deal: dealSnapshot() }
    const first = await deliveredTwice(t, CONSUMERS.keywordAlerts, {
      name: keywordAlertMatchedV1.name,
      payload,
    })
    const ids = (await notificationsOf(t, userId)).map((n) => n.source_event_id)
    assert.deepEqual(ids, [first.id])
  })

  test('a new party tells users whose saved radius reaches its market, not the leader nor users further away', async () => {
    const near = buyerIdentity()
    const far = buyerIdentity()
    const leader = buyerIdentity()
    const save = (as: typeof near, body: object) => client(t)('PUT', '/me/location', { as, body })
    // 망원시장 is about 1.7 km from 합정역 and about 9 km from 강남역.
    assert.equal((await save(near, { lat: 37.5495, lng: 126.9139, radiusKm: 3 })).statusCode, 200)
    assert.equal((await save(far, { lat: 37.4979, lng: 127.0276, radiusKm: 3 })).statusCode, 200)
    assert.equal((await save(leader, { lat: 37.5558, lng: 126.9063, radiusKm: 5 })).statusCode, 200)

    const party = partyCreated({ leaderId: leader.userId })
    const event = await t.publish({ name: partyCreatedV1.name, payload: party })
    await processed(t, event.id)
    const [notice, ...rest] = await notificationsOf(t, near.userId)
    assert.equal(rest.length, 0)
    assert.equal(notice!.kind, 'PARTY')
    assert.match(notice!.title, /망원시장 딸기 공구/)
    assert.deepEqual(await notificationsOf(t, far.userId), [])
    assert.deepEqual(await notificationsOf(t, leader.userId), [])

    // After forgetting the point, the next party nearby tells no one.
    assert.equal((await client(t)('DELETE', '/me/location', { as: near })).statusCode, 204)
    const next = await t.publish({ name: partyCreatedV1.name, payload: partyCreated() })
    await processed(t, next.id)
    assert.equal((await notificationsOf(t, near.userId)).length, 1)
  })

  test('a join tells the leader; filled and expired tell every member; a cancellation all but the leader', async () => {
    const party = partyCreated()
    const ref = { partyId: party.partyId, title: party.title, leaderId: party.leaderId }
    const [a, b] = [randomUUID(), randomUUID()]
    const events = [
      await t.publish({ name: partyCreatedV1.name, payload: party }),
      await t.publish({
        name: partyJoinedV1.name,
        payload: { ...ref, userId: a, memberCount: 2, capacity: 3 },
      }),
      await t.publish({
        name: partyFilledV1.name,
        payload: { ...ref, memberIds: [party.leaderId, a, b] },
      }),
      await t.publish({
        name: partyCancelledV1.name,
        payload: { ...ref, memberIds: [party.leaderId, a, b] },
      }),
    ]
    for (const e of events) await processed(t, e.id)
    // Events of one queue are handled concurrently: compare the sets of titles.
    const titlesOf = async (userId: string) => (await notificationsOf(t, userId)).map((n) => n.title).sort()
    assert.deepEqual(
      await titlesOf(party.leaderId),
      [`${party.title} is full`, `Someone joined ${party.title}`].sort(),
    )
    assert.deepEqual(await titlesOf(a), [`${party.title} is full`, `${party.title} was cancelled`].sort())
    assert.deepEqual(await titlesOf(b), [`${party.title} is full`, `${party.title} was cancelled`].sort())

    const other = partyCreated()
    const expired = await t.publish({
      name: partyExpiredV1.name,
      payload: {
        partyId: other.partyId,
        title: other.title,
        leaderId: other.leaderId,
        memberIds: [other.leaderId],
      },
    })
    await processed(t, expired.id)
    assert.deepEqual(await titlesOf(other.leaderId), [`${other.title} expired`])
  })

  test('a registered user’s address is kept for e-mail', async () => {
    const userId = randomUUID()
    const event = await t.publish({
      name: userRegisteredV1.name,
      payload: { userId, email: 'minji@example.com', name: '민지' },
    })
    await processed(t, event.id)
    assert.deepEqual(await sql(t, 'SELECT email, name FROM user_contacts WHERE user_id = $1', [userId]), [
      { email: 'minji@example.com', name: '민지' },
    ])
  })
})
