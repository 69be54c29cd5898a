import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import type { Identity } from '@deals/contracts'
import { buyerIdentity, sellerIdentity } from '@deals/contracts/testing'
import type { Notice } from '../../src/domain/feed/notification-feed.ts'
import {
  client,
  feedOf,
  startTestNotificationApp,
  type TestNotificationApp,
} from '../support/test-notification-app.ts'

describe('my notifications, preferences and saved point', () => {
  let t: TestNotificationApp
  before(async () => {
    t = await startTestNotificationApp()
  })
  after(() => t.close())

  async function notify(as: Identity, titles: string[], sourceEventId?: string) {
    const { feed } = t.app.notificationDomain
    for (const title of titles) {
      const notice: Notice = {
        userId: as.userId,
        kind: 'STORE_DEAL',
        sourceEventId: sourceEventId ?? randomUUID(),
        title,
        body: `${title} body`,
      }
      await feed.transaction((tx) => feed.notify(tx, [notice]))
    }
  }

  const call = (...args: Parameters<ReturnType<typeof client>>) => client(t)(...args)

  test('lists mine newest first, pages with a cursor, filters unread', async () => {
    const me = buyerIdentity()
    await notify(me, ['one', 'two', 'three'])
    await notify(buyerIdentity(), ['not mine'])

    const first = await call('GET', '/?limit=2', { as: me })
    assert.equal(first.statusCode, 200)
    const page1 = first.json() as { items: { title: string; id: string }[]; nextCursor: string }
    assert.deepEqual(
      page1.items.map((n) => n.title),
      ['three', 'two'],
    )
    const second = await call('GET', `/?limit=2&cursor=${page1.nextCursor}`, { as: me })
    assert.deepEqual(second.json(), { items: [second.json().items[0]], nextCursor: null })
    assert.equal(second.json().items[0].title, 'one')

    const three = page1.items[0]!
    assert.equal((await call('POST', `/${three.id}/read`, { as: me })).json().read, true)
    assert.deepEqual(
      (await feedOf(t, me, '&unread=true')).map((n) => n.title),
      ['two', 'one'],
    )
    assert.deepEqual((await call('GET', '/unread-count', { as: me })).json(), { count: 2 })
    assert.deepEqual((await call('POST', '/read-all', { as: me })).json(), { updated: 2 })
    assert.deepEqual((await call('GET', '/unread-count', { as: me })).json(), { count: 0 })
  })

  test('another user’s notification is not found, whatever they try', async () => {
    const owner = buyerIdentity()
    await notify(owner, ['private'])
    const [mine] = await feedOf(t, owner)
    for (const as of [buyerIdentity(), sellerIdentity()]) {
      const res = await call('POST', `/${mine!.id}/read`, { as })
      assert.equal(res.statusCode, 404)
      assert.equal(res.json().code, 'NOTIFICATION_NOT_FOUND')
      assert.deepEqual(await feedOf(t, as), [])
    }
    assert.equal((await feedOf(t, owner))[0]!.read, false)
    assert.equal((await call('POST', `/${randomUUID()}/read`, { as: owner })).statusCode, 404)
  })

  test('the same cause for the same user and kind is written once, even in separate transactions', async () => {
    const me = buyerIdentity()
    const cause = randomUUID()
    await Promise.all([notify(me, ['first'], cause), notify(me, ['second'], cause)])
    assert.equal((await feedOf(t, me)).length, 1)
  })

  test('preferences: defaults for every kind, then my choice per kind', async () => {
    const me = buyerIdentity()
    const defaults = (await call('GET', '/preferences', { as: me })).json().items as {
      kind: string
      inApp: boolean
      email: boolean
      customized: boolean
    }[]
    assert.deepEqual(
      defaults.map((p) => [p.kind, p.inApp, p.email, p.customized]),
      [
        ['DEAL_REMINDER', true, false, false],
        ['KEYWORD_ALERT', true, false, false],
        ['STORE_DEAL', true, false, false],
        ['PARTY', true, false, false],
        ['CHAT', true, false, false],
        ['ORDER_STATUS', true, true, false],
      ],
    )
    const set = await call('PUT', '/preferences/CHAT', { as: me, body: { inApp: false, email: true } })
    assert.deepEqual(set.json(), { kind: 'CHAT', inApp: false, email: true, customized: true })
    const after = (await call('GET', '/preferences', { as: me })).json().items as { kind: string }[]
    assert.deepEqual(
      after.find((p) => p.kind === 'CHAT'),
      { kind: 'CHAT', inApp: false, email: true, customized: true },
    )
    // Nobody else's changed.
    const other = (await call('GET', '/preferences', { as: buyerIdentity() })).json().items as {
      customized: boolean
    }[]
    assert.ok(other.every((p) => !p.customized))
  })

  test('saved point: 404 until saved, then read back, then forgotten', async () => {
    const me = buyerIdentity()
    const missing = await call('GET', '/me/location', { as: me })
    assert.equal(missing.statusCode, 404)
    assert.equal(missing.json().code, 'LOCATION_NOT_SET')
    const saved = await call('PUT', '/me/location', {
      as: me,
      body: { lat: 37.55, lng: 126.9, radiusKm: 2.5 },
    })
    assert.equal(saved.statusCode, 200)
    const { lat, lng, radiusKm } = (await call('GET', '/me/location', { as: me })).json() as Record<
      string,
      number
    >
    assert.deepEqual({ lat, lng, radiusKm }, { lat: 37.55, lng: 126.9, radiusKm: 2.5 })
    assert.equal((await call('DELETE', '/me/location', { as: me })).statusCode, 204)
    assert.equal((await call('DELETE', '/me/location', { as: me })).statusCode, 204)
    assert.equal((await call('GET', '/me/location', { as: me })).statusCode, 404)
  })

  test('bad input is a 4xx problem, never a 500, and writes nothing', async () => {
    const me = buyerIdentity()
    const cases: [Parameters<typeof call>[0], string, unknown, number][] = [
      ['GET', '/?limit=0', undefined, 400],
      ['GET', '/?limit=abc', undefined, 400],
      ['GET', '/?unread=maybe', undefined, 400],
      ['GET', '/?cursor=not-a-cursor', undefined, 400],
      ['GET', `/?cursor=${Buffer.from('{"seq":-1}').toString('base64url')}`, undefined, 400],
      ['POST', '/not-a-uuid/read', undefined, 400],
      ['PUT', '/preferences/EVERYTHING', { inApp: true, email: true }, 400],
      ['PUT', '/preferences/CHAT', { inApp: true }, 400],
      ['PUT', '/preferences/CHAT', { inApp: 'yes', email: true }, 400],
      ['PUT', '/preferences/CHAT', { inApp: true, email: true, sms: true }, 400],
      ['PUT', '/preferences/CHAT', undefined, 400],
      ['PUT', '/me/location', { lat: 91, lng: 126.9, radiusKm: 1 }, 400],
      ['PUT', '/me/location', { lat: 37.5, lng: 181, radiusKm: 1 }, 400],
      ['PUT', '/me/location', { lat: 37.5, lng: 126.9, radiusKm: 0 }, 400],
      ['PUT', '/me/location', { lat: 37.5, lng: 126.9, radiusKm: 51 }, 400],
      ['PUT', '/me/location', { lat: '37.5', lng: 126.9, radiusKm: 1 }, 400],
    ]
    for (const [method, url, body, status] of cases) {
      const res = await call(method, url, { as: me, body })
      assert.equal(res.statusCode, status, `${method} ${url} ${JSON.stringify(body)}: ${res.body}`)
      assert.match(String(res.headers['content-type']), /application\/problem\+json/)
      assert.equal(typeof res.json().code, 'string')
    }
    const text = await call('PUT', '/preferences/CHAT', {
      as: me,
      body: 'inApp=true',
      headers: { 'content-type': 'text/plain' },
    })
    assert.equal(text.statusCode, 415)
    assert.ok(
      (await call('GET', '/preferences', { as: me }))
        .json()
        .items.every((p: { customized: boolean }) => !p.customized),
    )
    assert.equal((await call('GET', '/me/location', { as: me })).statusCode, 404)
    for (const url of ['/', '/unread-count', '/preferences', '/me/location'])
      assert.equal((await call('GET', url)).statusCode, 401, url)
  })
})
