import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { buyerIdentity } from '@deals/contracts/testing'
import { PARTY_EVENTS } from '@deals/contracts'
import { openAmqpConnection, type AmqpConnection } from '@deals/messaging'
import { collectMessages, waitUntil, type MessageCollector } from '@deals/messaging/testing'
import { client, startTestPartyApp, type TestPartyApp } from '../support/test-party-app.ts'
import { joinAll, makeParty } from '../support/parties.ts'

interface Envelope {
  name: string
  producer: string
  payload: Record<string, unknown>
}

describe('events the party service publishes', () => {
  let t: TestPartyApp
  let connection: AmqpConnection
  let collector: MessageCollector
  before(async () => {
    t = await startTestPartyApp()
    connection = await openAmqpConnection({ url: t.vhost.url, name: 'party-events-test' })
    collector = await collectMessages(connection, 'party.#')
  })
  after(async () => {
    await collector.stop()
    await connection.close()
    await t.close()
  })

  const of = (partyId: string) =>
    collector.messages.map((m) => m.body as Envelope).filter((e) => e.payload.partyId === partyId)

  test('a party’s life reaches the broker: created, joined, filled, left, cancelled', async () => {
    const market = await t.market({ name: '통인시장', lat: 37.5812, lng: 126.9701 })
    const party = await makeParty(t, market.marketId, { capacity: 2 })
    const member = buyerIdentity()
    await joinAll(t, party.id, [member])
    await client(t)('POST', `/parties/${party.id}/leave`, { as: member })
    await client(t)('POST', `/parties/${party.id}/cancel`, { as: party.leader })

    await waitUntil(() => of(party.id).length >= 5, { message: 'five party events', timeoutMs: 10_000 })
    const events = of(party.id)
    assert.deepEqual(events.map((e) => e.name).sort(), [
      'party.cancelled.v1',
      'party.created.v1',
      'party.filled.v1',
      'party.joined.v1',
      'party.left.v1',
    ])
    for (const event of events) {
      assert.equal(event.producer, 'party')
      const definition = PARTY_EVENTS.find((d) => d.name === event.name)!
      assert.ok(definition.payload.safeParse(event.payload).success, `${event.name} matches its contract`)
    }
    const byName = (name: string) => events.find((e) => e.name === name)!.payload
    assert.deepEqual(
      { marketId: byName('party.created.v1').marketId, lat: byName('party.created.v1').lat },
      { marketId: market.marketId, lat: 37.5812 },
    )
    assert.equal(byName('party.created.v1').lng, 126.9701)
    assert.deepEqual(byName('party.joined.v1').userId, member.userId)
    assert.deepEqual(
      (byName('party.filled.v1').memberIds as string[]).sort(),
      [party.leader.userId, member.userId].sort(),
    )
    assert.equal(byName('party.left.v1').memberCount, 1)
    assert.deepEqual(byName('party.cancelled.v1').memberIds, [party.leader.userId])
  })

  test('a refused change writes no event', async () => {
    const { marketId } = await t.market()
    const party = await makeParty(t, marketId, { capacity: 2 })
    await joinAll(t, party.id, [buyerIdentity()])
    const full = await client(t)('POST', `/parties/${party.id}/join`, { as: buyerIdentity() })
    assert.equal(full.statusCode, 409)
    const rows = await t.sql<{ event_name: string }>(
      `SELECT event_name FROM outbox_messages WHERE payload->>'partyId' = $1 AND event_name LIKE 'party.%' ORDER BY event_name`,
      [party.id],
    )
    assert.deepEqual(
      rows.map((r) => r.event_name),
      ['party.created.v1', 'party.filled.v1', 'party.joined.v1'],
    )
  })
})
