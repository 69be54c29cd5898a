import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { partyCreatedV1, partyJoinedV1, partyLeftV1, partyMessagePostedV1 } from '@deals/contracts'
import { buyerIdentity } from '@deals/contracts/testing'
import { waitUntil } from '@deals/messaging/testing'
import {
  client,
  startTestNotificationApp,
  type TestNotificationApp,
} from '../support/test-notification-app.ts'
import { CONSUMERS } from '../../src/plugins/event-consumers.ts'
import {
  duplicateSkipped,
  duplicatesSkipped,
  notificationsOf,
  partyCreated,
  processed,
} from '../support/events.ts'
import { openStream } from '../support/sse-client.ts'

describe('chat messages reach offline members as one collapsed notification per party', () => {
  let t: TestNotificationApp
  let baseUrl: string
  before(async () => {
    t = await startTestNotificationApp()
    baseUrl = await t.app.listen({ host: '127.0.0.1', port: 0 })
  })
  after(() => t.close())

  async function partyOf(memberIds: string[]) {
    const party = partyCreated({ leaderId: memberIds[0]! })
    const ref = { partyId: party.partyId, title: party.title, leaderId: party.leaderId }
    await processed(t, (await t.publish({ name: partyCreatedV1.name, payload: party })).id)
    for (const [i, userId] of memberIds.slice(1).entries()) {
      const joined = { ...ref, userId, memberCount: i + 2, capacity: 5 }
      await processed(t, (await t.publish({ name: partyJoinedV1.name, payload: joined })).id)
    }
    return ref
  }

  async function post(partyId: string, senderId: string, text: string, id?: string) {
    const payload = {
      partyId,
      messageId: randomUUID(),
      senderId,
      sentAt: new Date().toISOString(),
      preview: text,
    }
    const event = await t.publish({ name: partyMessagePostedV1.name, payload, ...(id ? { id } : {}) })
    await processed(t, event.id)
    return event
  }

  const chatOf = async (userId: string) => (await notificationsOf(t, userId)).filter((n) => n.kind === 'CHAT')

  test('offline members get one notification counting the messages; the sender and online members get none', async () => {
    const [leader, talker, watcher] = [buyerIdentity(), buyerIdentity(), buyerIdentity()]
    const party = await partyOf([leader.userId, talker.userId, watcher.userId])
    const stream = await openStream(baseUrl, watcher)
    try {
      const first = await post(party.partyId, talker.userId, '안녕하세요')
      await post(party.partyId, talker.userId, '몇 시에 만나요?')
      // A redelivered message is not counted again.
      const skipped = await duplicatesSkipped(t, CONSUMERS.parties)
      await t.publish({ name: first.name, payload: first.payload, id: first.id })
      await duplicateSkipped(t, CONSUMERS.parties, skipped)
      await post(party.partyId, talker.userId, '10시 어때요')

      const [collapsed, ...others] = await chatOf(leader.userId)
      assert.equal(others.length, 0)
      assert.equal(collapsed!.count, 3)
      assert.equal(collapsed!.title, `New messages in ${party.title}`)
      assert.deepEqual(await chatOf(talker.userId), [])
      assert.deepEqual(await chatOf(watcher.userId), [], 'online: the chat itself shows the messages')
      assert.equal(stream.events.length, 0)
    } finally {
      await stream.close()
    }

    // Gone offline: the next message reaches the watcher too.
    await post(party.partyId, talker.userId, '좋아요')
    assert.equal((await chatOf(watcher.userId)).length, 1)
  })

  test('once read, the next message starts a new notification, which takes the latest text', async () => {
    const [leader, talker] = [buyerIdentity(), buyerIdentity()]
    const party = await partyOf([leader.userId, talker.userId])
    await post(party.partyId, talker.userId, 'one')
    const feed = (await client(t)('GET', '/', { as: leader })).json().items as { id: string; kind: string }[]
    const chat = feed.find((n) => n.kind === 'CHAT')!
    assert.equal((await client(t)('POST', `/${chat.id}/read`, { as: leader })).statusCode, 200)

    await post(party.partyId, talker.userId, 'two')
    await post(party.partyId, talker.userId, 'three')
    const rows = await chatOf(leader.userId)
    assert.deepEqual(
      rows.map((r) => r.count),
      [1, 2],
    )
    assert.equal(rows[1]!.body, 'three')
  })

  test('a member who left hears nothing more', async () => {
    const [leader, talker, leaver] = [buyerIdentity(), buyerIdentity(), buyerIdentity()]
    const party = await partyOf([leader.userId, talker.userId, leaver.userId])
    const left = { ...party, userId: leaver.userId, memberCount: 2, capacity: 5 }
    await processed(t, (await t.publish({ name: partyLeftV1.name, payload: left })).id)
    await post(party.partyId, talker.userId, 'bye')
    assert.deepEqual(await chatOf(leaver.userId), [])
    await waitUntil(async () => (await chatOf(leader.userId)).length === 1)
  })
})
