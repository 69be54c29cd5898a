import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import type { FastifyInstance } from 'fastify'
import { keywordAlertMatchedV1, type Identity } from '@deals/contracts'
import { buyerIdentity } from '@deals/contracts/testing'
import { waitUntil } from '@deals/messaging/testing'
import {
  client,
  startTestNotificationApp,
  type TestNotificationApp,
} from '../support/test-notification-app.ts'
import { dealSnapshot, processed } from '../support/events.ts'
import { openStream } from '../support/sse-client.ts'

describe('the live stream of my notifications', () => {
  let t: TestNotificationApp
  let baseUrl: string
  before(async () => {
    t = await startTestNotificationApp({ STREAM_HEARTBEAT_MS: '300' })
    baseUrl = await t.app.listen({ host: '127.0.0.1', port: 0 })
  })
  after(() => t.close())

  /** One keyword-alert notification for `as`, through the broker; resolves once it is committed. */
  async function alert(as: Identity, keyword: string) {
    const payload = { userId: as.userId, alertId: randomUUID(), keyword, deal: dealSnapshot() }
    const event = await t.publish({ name: keywordAlertMatchedV1.name, payload })
    await processed(t, event.id)
  }

  const sseConnections = async (app: FastifyInstance) =>
    (await app.metrics.getSingleMetric('sse_connections')!.get()).values[0]?.value

  test('delivers a new notification live, with its feed number as the event id, and heartbeats', async () => {
    const me = buyerIdentity()
    await alert(me, 'before')
    const stream = await openStream(baseUrl, me)
    try {
      assert.equal(await sseConnections(t.app), 1)
      await alert(me, '딸기')
      await stream.received(1)
      const [event] = stream.events
      assert.equal(event!.event, 'notification')
      assert.equal(event!.id, 2, 'starts from now: the earlier notification is not replayed')
      assert.equal(event!.notification.seq, 2)
      assert.match(event!.notification.title, /딸기/)
      await waitUntil(() => stream.heartbeats() >= 2, { message: 'heartbeats' })
      await alert(buyerIdentity(), 'someone else')
      await alert(me, 'again')
      await stream.received(2)
      assert.deepEqual(stream.ids(), [2, 3])
    } finally {
      await stream.close()
    }
    await waitUntil(async () => (await sseConnections(t.app)) === 0, { message: 'gauge back to 0' })
  })

  test('a reconnect with Last-Event-ID replays exactly what was missed, then goes on live', async () => {
    const me = buyerIdentity()
    const first = await openStream(baseUrl, me)
    for (const k of ['a', 'b']) await alert(me, k)
    await first.received(2)
    const lastSeen = first.events.at(-1)!.id
    await first.close()

    for (const k of ['c', 'd', 'e']) await alert(me, k)
    const resumed = await openStream(baseUrl, me, { lastEventId: lastSeen })
    try {
      await resumed.received(3)
      await alert(me, 'f')
      await resumed.received(4)
      assert.deepEqual(resumed.ids(), [lastSeen + 1, lastSeen + 2, lastSeen + 3, lastSeen + 4])
      assert.deepEqual(
        resumed.events.map((e) => e.notification.data.keyword),
        ['c', 'd', 'e', 'f'],
      )
    } finally {
      await resumed.close()
    }

    const beyond = await openStream(baseUrl, me, { lastEventId: 999_999 })
    try {
      await alert(me, 'g')
      await beyond.received(1)
      assert.deepEqual(beyond.ids(), [lastSeen + 5], 'an id beyond the feed resumes from its end')
    } finally {
      await beyond.close()
    }

    const byQuery = await openStream(baseUrl, me, { query: `?lastEventId=${lastSeen + 2}` })
    try {
      await byQuery.received(3)
      assert.deepEqual(byQuery.ids(), [lastSeen + 3, lastSeen + 4, lastSeen + 5])
    } finally {
      await byQuery.close()
    }
  })

  test('many notifications committed concurrently while a stream resumes arrive once each, in order', async () => {
    const me = buyerIdentity()
    for (const k of ['x1', 'x2', 'x3']) await alert(me, k)
    const stream = await openStream(baseUrl, me, { lastEventId: 1 })
    try {
      const { feed } = t.app.notificationDomain
      await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          feed.transaction((tx) =>
            feed.notify(tx, [
              {
                userId: me.userId,
                kind: 'KEYWORD_ALERT',
                sourceEventId: randomUUID(),
                title: `n${i}`,
                body: '',
              },
            ]),
          ),
        ),
      )
      await stream.received(22)
      await new Promise((resolve) => setTimeout(resolve, 300))
      assert.deepEqual(
        stream.ids(),
        Array.from({ length: 22 }, (_, i) => i + 2),
      )
    } finally {
      await stream.close()
    }
  })

  test('a user streaming from replica B gets what replica A wrote', async () => {
    const b = await t.replica()
    const replicaUrl = await b.listen({ host: '127.0.0.1', port: 0 })
    const me = buyerIdentity()
    const stream = await openStream(replicaUrl, me)
    try {
      assert.equal(await sseConnections(b), 1)
      assert.equal(await sseConnections(t.app), 0)
      const { feed } = t.app.notificationDomain
      await feed.transaction((tx) =>
        feed.notify(tx, [
          { userId: me.userId, kind: 'PARTY', sourceEventId: randomUUID(), title: 'from A', body: '' },
        ]),
      )
      await stream.received(1)
      assert.equal(stream.events[0]!.notification.title, 'from A')
    } finally {
      await stream.close()
    }
  })

  test('many users opening streams at once on a fresh replica all go live', async () => {
    const fresh = await t.replica()
    const url = await fresh.listen({ host: '127.0.0.1', port: 0 })
    const users = Array.from({ length: 40 }, () => buyerIdentity())
    const streams = await Promise.all(users.map((u) => openStream(url, u)))
    try {
      const { feed } = fresh.notificationDomain
      const notices = users.map((u) => ({
        userId: u.userId,
        kind: 'DEAL_REMINDER' as const,
        sourceEventId: randomUUID(),
        title: 'all at once',
        body: '',
      }))
      await feed.transaction((tx) => feed.notify(tx, notices))
      await Promise.all(streams.map((s) => s.received(1)))
      assert.ok(
        streams.every((s) => s.events.length === 1 && s.events[0]!.notification.title === 'all at once'),
      )
    } finally {
      await Promise.all(streams.map((s) => s.close()))
    }
  })

  test('a bad Last-Event-ID is a 400 problem before any stream starts', async () => {
    for (const headers of [{ 'last-event-id': 'abc' }, { 'last-event-id': '-1' }]) {
      const res = await client(t)('GET', '/stream', { as: buyerIdentity(), headers })
      assert.equal(res.statusCode, 400)
      assert.match(String(res.headers['content-type']), /application\/problem\+json/)
    }
    const res = await client(t)('GET', '/stream?lastEventId=1e3', { as: buyerIdentity() })
    assert.equal(res.statusCode, 400)
    assert.equal((await client(t)('GET', '/stream')).statusCode, 401)
  })
})
