import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import type { FastifyInstance } from 'fastify'
import { buyerIdentity } from '@deals/contracts/testing'
import { waitUntil } from '@deals/messaging/testing'
import { client, startTestPartyApp, type TestPartyApp } from '../support/test-party-app.ts'
import { joinAll, makeParty, type MadeParty } from '../support/parties.ts'
import { joinChat, openChat, wsBase, type ChatClient, type ChatEvent } from '../support/chat-client.ts'

const isMessage = (text?: string) => (e: ChatEvent) =>
  e.type === 'message' && (!text || e.message?.text === text)
const isError = (code: string) => (e: ChatEvent) => e.type === 'error' && e.code === code

describe('party chat over WebSocket, across replicas', () => {
  let t: TestPartyApp
  let second: FastifyInstance
  let baseA: string
  let baseB: string
  let marketId: string
  const open: ChatClient[] = []
  const chat = async (...args: Parameters<typeof joinChat>) => {
    const c = await joinChat(...args)
    open.push(c)
    return c
  }

  before(async () => {
    t = await startTestPartyApp()
    second = await t.replica()
    baseA = await wsBase(t.app)
    baseB = await wsBase(second)
    marketId = (await t.market()).marketId
  })
  after(async () => {
    await Promise.all(open.map((c) => c.close()))
    await t.close()
  })

  async function partyWith(...members: ReturnType<typeof buyerIdentity>[]): Promise<MadeParty> {
    const party = await makeParty(t, marketId, { capacity: 10 })
    await joinAll(t, party.id, members)
    return party
  }

  test('members on two replicas exchange messages; each message is stored once', async () => {
    const member = buyerIdentity()
    const party = await partyWith(member)
    const leader = await chat(baseA, party.id, party.leader)
    const other = await chat(baseB, party.id, member)
    await leader.waitFor((e) => e.type === 'history')
    await other.waitFor((e) => e.type === 'history')

    leader.say('몇 시에 만나요?')
    const [heard] = await other.waitFor(isMessage('몇 시에 만나요?'))
    assert.equal(heard!.message!.senderId, party.leader.userId)
    other.say('3시 정문에서요')
    await leader.waitFor(isMessage('3시 정문에서요'))
    await leader.waitFor(isMessage('몇 시에 만나요?'))
    await other.waitFor(isMessage('3시 정문에서요'))

    const rows = await t.sql<{ sender_id: string; text: string }>(
      'SELECT sender_id, text FROM party_messages WHERE party_id = $1 ORDER BY sent_at, id',
      [party.id],
    )
    assert.deepEqual(rows, [
      { sender_id: party.leader.userId, text: '몇 시에 만나요?' },
      { sender_id: member.userId, text: '3시 정문에서요' },
    ])
  })

  test('a member who connects gets the latest history first, oldest first', async () => {
    const member = buyerIdentity()
    const party = await partyWith(member)
    const leader = await chat(baseA, party.id, party.leader)
    for (const text of ['하나', '둘', '셋']) {
      leader.say(text)
      await leader.waitFor(isMessage(text))
    }
    const late = await chat(baseB, party.id, member)
    const [history] = await late.waitFor((e) => e.type === 'history')
    assert.deepEqual(
      history!.messages!.map((m) => m.text),
      ['하나', '둘', '셋'],
    )
    leader.say('넷')
    await late.waitFor(isMessage('넷'))
    assert.equal(late.events.filter((e) => e.type === 'message').length, 1, 'history is not repeated live')
  })

  test('only members get a socket: others are refused before the upgrade', async () => {
    const party = await partyWith()
    const stranger = await openChat(baseA, party.id, buyerIdentity())
    assert.ok('refused' in stranger)
    assert.equal(stranger.refused, 403)
    assert.equal(JSON.parse(stranger.body).code, 'NOT_A_MEMBER')

    const unknown = await openChat(baseA, randomUUID(), buyerIdentity())
    assert.ok('refused' in unknown && unknown.refused === 404)
    const anonymous = await openChat(baseA, party.id, undefined)
    assert.ok('refused' in anonymous && anonymous.refused === 401)
    const unsigned = await openChat(baseA, party.id, undefined, { 'x-user-id': party.leader.userId })
    assert.ok('refused' in unsigned && unsigned.refused === 401, 'not through the gateway')
  })

  test('members of many parties connecting at once to a fresh replica all go live', async () => {
    // The replica's first chats arrive together, each asking for its party's channel while the
    // replica's subscriber connection is still being opened.
    const fresh = await t.replica()
    const base = await wsBase(fresh)
    const members = Array.from({ length: 12 }, () => buyerIdentity())
    const parties = await Promise.all(members.map((member) => partyWith(member)))
    const chats = await Promise.all(parties.map((party, i) => chat(base, party.id, members[i]!)))
    await Promise.all(chats.map((c) => c.waitFor((e) => e.type === 'history')))
    const leaders = await Promise.all(parties.map((party) => chat(baseA, party.id, party.leader)))
    leaders.forEach((leader, i) => leader.say(`${i}번 파티 들리나요?`))
    await Promise.all(chats.map((c, i) => c.waitFor(isMessage(`${i}번 파티 들리나요?`))))
  })

  test('an over-long or malformed message is refused and not stored; 1000 characters are fine', async () => {
    const party = await partyWith()
    const leader = await chat(baseA, party.id, party.leader)
    leader.say('가'.repeat(1001))
    await leader.waitFor(isError('MESSAGE_TOO_LONG'))
    leader.sendRaw('not json')
    leader.sendRaw(JSON.stringify({ text: '   ' }))
    await leader.waitFor(isError('BAD_MESSAGE'), 2)
    leader.say('가'.repeat(1000))
    await leader.waitFor(isMessage('가'.repeat(1000)))
    const rows = await t.sql<{ n: number }>(
      'SELECT count(*)::int AS n FROM party_messages WHERE party_id = $1',
      [party.id],
    )
    assert.equal(rows[0]!.n, 1)
  })

  test('a member sending too fast is told RATE_LIMITED; at most the budget per second is stored', async () => {
    const party = await partyWith()
    const leader = await chat(baseA, party.id, party.leader)
    await leader.waitFor((e) => e.type === 'history')
    for (let i = 0; i < 20; i++) leader.say(`빨리 ${i}`)
    await waitUntil(
      () => leader.events.filter((e) => e.type === 'message' || e.type === 'error').length >= 20,
      {
        message: 'every message answered',
      },
    )
    const limited = leader.events.filter(isError('RATE_LIMITED')).length
    const [{ n }] = (await t.sql<{ n: number }>(
      'SELECT count(*)::int AS n FROM party_messages WHERE party_id = $1',
      [party.id],
    )) as [{ n: number }]
    // 5 per second: a burst within one second stores 5, one split across two seconds at most 10.
    assert.ok(n >= 5 && n <= 10, `${n} stored`)
    assert.equal(limited, 20 - n)
  })

  test('a frame over 16 KiB closes the socket (1009) and stores nothing', async () => {
    const party = await partyWith()
    const leader = await chat(baseA, party.id, party.leader)
    await leader.waitFor((e) => e.type === 'history')
    leader.sendRaw(JSON.stringify({ text: 'x'.repeat(17 * 1024) }))
    await waitUntil(() => leader.closed, { message: 'the oversized frame closed the chat' })
    assert.equal(leader.closed!.code, 1009)
    const rows = await t.sql('SELECT 1 FROM party_messages WHERE party_id = $1', [party.id])
    assert.equal(rows.length, 0)
  })

  test('the rate budget is one per user across replicas and parties', async () => {
    const member = buyerIdentity()
    const [one, two] = [await partyWith(member), await partyWith(member)]
    const onA = await chat(baseA, one.id, member)
    const onB = await chat(baseB, two.id, member)
    await Promise.all([onA, onB].map((c) => c.waitFor((e) => e.type === 'history')))
    for (let i = 0; i < 10; i++) {
      onA.say(`A ${i}`)
      onB.say(`B ${i}`)
    }
    const answered = (c: ChatClient) =>
      c.events.filter((e) => e.type === 'message' || e.type === 'error').length
    await waitUntil(() => answered(onA) >= 10 && answered(onB) >= 10, { message: 'every message answered' })
    const [{ n }] = (await t.sql<{ n: number }>(
      'SELECT count(*)::int AS n FROM party_messages WHERE sender_id = $1',
      [member.userId],
    )) as [{ n: number }]
    // 5 per second: 20 sent within a second or two store 5 to 10 together, not 5 to 10 on each replica.
    assert.ok(n >= 5 && n <= 10, `${n} stored`)
    const limited = [onA, onB].reduce((sum, c) => sum + c.events.filter(isError('RATE_LIMITED')).length, 0)
    assert.equal(limited, 20 - n)
  })

  test('older messages come in pages before a message, newest first', async () => {
    const party = await partyWith()
    const leader = await chat(baseA, party.id, party.leader)
    const texts = Array.from({ length: 7 }, (_, i) => `메시지 ${i}`)
    for (const text of texts) {
      leader.say(text)
      await leader.waitFor(isMessage(text))
      await new Promise((resolve) => setTimeout(resolve, 210))
    }
    const seen: string[] = []
    let before: string | null = null
    do {
      const response = await client(t)(
        'GET',
        `/parties/${party.id}/messages?limit=3${before ? `&before=${before}` : ''}`,
        { as: party.leader },
      )
      assert.equal(response.statusCode, 200, response.body)
      const page = response.json() as { items: { text: string }[]; nextCursor: string | null }
      assert.ok(page.items.length <= 3)
      seen.push(...page.items.map((m) => m.text))
      before = page.nextCursor
    } while (before)
    assert.deepEqual(seen, [...texts].reverse())

    const stranger = await client(t)('GET', `/parties/${party.id}/messages`, { as: buyerIdentity() })
    assert.equal(stranger.statusCode, 403)
    const badAnchor = await client(t)('GET', `/parties/${party.id}/messages?before=${randomUUID()}`, {
      as: party.leader,
    })
    assert.equal(badAnchor.statusCode, 404)
    assert.equal(badAnchor.json().code, 'MESSAGE_NOT_FOUND')
  })

  test('a member who leaves the party is disconnected on whichever replica holds the chat', async () => {
    const member = buyerIdentity()
    const party = await partyWith(member)
    const theirs = await chat(baseB, party.id, member)
    await theirs.waitFor((e) => e.type === 'history')
    const left = await client(t)('POST', `/parties/${party.id}/leave`, { as: member })
    assert.equal(left.statusCode, 200)
    await waitUntil(() => theirs.closed, { message: 'the leaver’s chat closed' })
    assert.equal(theirs.closed!.code, 4403)
  })

  test('each message is announced through the outbox, with a short preview', async () => {
    const party = await partyWith()
    const leader = await chat(baseA, party.id, party.leader)
    const text = '한'.repeat(200)
    leader.say(text)
    const [posted] = await leader.waitFor(isMessage(text))
    const [event] = await t.sql<{ payload: Record<string, string> }>(
      `SELECT payload FROM outbox_messages WHERE event_name = 'party.message-posted.v1' AND payload->>'messageId' = $1`,
      [posted!.message!.id],
    )
    assert.deepEqual(event!.payload, {
      partyId: party.id,
      messageId: posted!.message!.id,
      senderId: party.leader.userId,
      sentAt: posted!.message!.sentAt,
      preview: '한'.repeat(80),
    })
  })

  test('the open connections of a replica are in its websocket_connections gauge', async () => {
    const party = await partyWith()
    const metricOf = async (app: FastifyInstance) => {
      const text = (await app.inject({ method: 'GET', url: '/metrics' })).body
      return Number(/^websocket_connections\{[^}]*service="party"[^}]*\} (\d+)$/m.exec(text)?.[1])
    }
    const before = await metricOf(second)
    const c = await joinChat(baseB, party.id, party.leader)
    await c.waitFor((e) => e.type === 'history')
    assert.equal(await metricOf(second), before + 1)
    await c.close()
    await waitUntil(async () => (await metricOf(second)) === before, { message: 'gauge back down' })
  })
})
