import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { buyerIdentity } from '@deals/contracts/testing'
import { client, startTestPartyApp, type TestPartyApp } from '../support/test-party-app.ts'
import { joinAll, makeParty } from '../support/parties.ts'

describe('a rush for the last places of a party', () => {
  let t: TestPartyApp
  before(async () => {
    t = await startTestPartyApp()
  })
  after(() => t.close())

  test('50 buyers racing for the last 3 places: exactly 3 get in, the rest hear PARTY_FULL', async () => {
    const { marketId } = await t.market()
    const party = await makeParty(t, marketId, { capacity: 5 })
    const early = buyerIdentity()
    await joinAll(t, party.id, [early])

    const racers = Array.from({ length: 50 }, () => buyerIdentity())
    const responses = await Promise.all(
      racers.map((as) => client(t)('POST', `/parties/${party.id}/join`, { as })),
    )
    const statuses = responses.map((r) => r.statusCode)
    assert.equal(statuses.filter((s) => s === 200).length, 3, statuses.join(','))
    assert.equal(statuses.filter((s) => s === 409).length, 47, statuses.join(','))
    assert.ok(responses.filter((r) => r.statusCode === 409).every((r) => r.json().code === 'PARTY_FULL'))
    const winners = racers.filter((_, i) => statuses[i] === 200).map((r) => r.userId)

    const [row] = await t.sql<{ member_count: number; status: string; members: number }>(
      `SELECT member_count, status,
              (SELECT count(*)::int FROM party_members WHERE party_id = p.id) AS members
         FROM parties p WHERE id = $1`,
      [party.id],
    )
    assert.deepEqual(row, { member_count: 5, status: 'FILLED', members: 5 })
    const members = await t.sql<{ user_id: string }>(
      'SELECT user_id FROM party_members WHERE party_id = $1',
      [party.id],
    )
    assert.deepEqual(
      members.map((m) => m.user_id).sort(),
      [party.leader.userId, early.userId, ...winners].sort(),
    )

    const events = await t.sql<{ event_name: string; payload: { memberIds?: string[]; userId?: string } }>(
      `SELECT event_name, payload FROM outbox_messages WHERE payload->>'partyId' = $1 ORDER BY created_at`,
      [party.id],
    )
    const named = (name: string) => events.filter((e) => e.event_name === name)
    assert.equal(named('party.joined.v1').length, 4)
    assert.equal(named('party.filled.v1').length, 1, 'filled once')
    assert.deepEqual(
      [...named('party.filled.v1')[0]!.payload.memberIds!].sort(),
      members.map((m) => m.user_id).sort(),
    )
  })
})
