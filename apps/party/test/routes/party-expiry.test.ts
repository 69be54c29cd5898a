import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { buyerIdentity } from '@deals/contracts/testing'
import { waitUntil } from '@deals/messaging/testing'
import { client, startTestPartyApp, type TestPartyApp } from '../support/test-party-app.ts'
import { joinAll, makeParty, MINUTE } from '../support/parties.ts'

describe('a party that does not fill by its deadline expires', () => {
  let t: TestPartyApp
  let marketId: string
  before(async () => {
    t = await startTestPartyApp()
    marketId = (await t.market()).marketId
  })
  after(() => t.close())

  const shortDeadline = (seconds: number) => ({
    deadline: new Date(Date.now() + seconds * 1000).toISOString(),
    meetAt: new Date(Date.now() + 10 * MINUTE).toISOString(),
  })
  const statusOf = async (id: string) => (await client(t)('GET', `/parties/${id}`)).json().status as string

  test('at its deadline an open party becomes EXPIRED, with its members in party.expired.v1', async () => {
    const terms = shortDeadline(8)
    const [party, filled] = await Promise.all([
      makeParty(t, marketId, terms),
      makeParty(t, marketId, { ...terms, capacity: 2 }),
    ])
    const member = buyerIdentity()
    await Promise.all([joinAll(t, party.id, [member]), joinAll(t, filled.id, [buyerIdentity()])])

    await waitUntil(async () => (await statusOf(party.id)) === 'EXPIRED', {
      timeoutMs: 20_000,
      message: 'party expired',
    })
    const [row] = await t.sql<{ status: string; version: number; expired_late_ms: number }>(
      `SELECT status, version, extract(epoch FROM (updated_at - deadline)) * 1000 AS expired_late_ms
         FROM parties WHERE id = $1`,
      [party.id],
    )
    assert.equal(row!.version, 2)
    assert.ok(row!.expired_late_ms >= 0, 'never before the deadline')
    assert.ok(row!.expired_late_ms < 5_000, `expired ${row!.expired_late_ms} ms after the deadline`)

    const [event] = await t.sql<{ payload: { memberIds: string[] } }>(
      `SELECT payload FROM outbox_messages WHERE event_name = 'party.expired.v1' AND payload->>'partyId' = $1`,
      [party.id],
    )
    assert.deepEqual(event!.payload.memberIds.sort(), [party.leader.userId, member.userId].sort())
    assert.equal(await statusOf(filled.id), 'FILLED', 'a full party is left alone')
  })

  test('a cancelled party is not expired', async () => {
    const party = await makeParty(t, marketId, shortDeadline(4))
    const cancel = await client(t)('POST', `/parties/${party.id}/cancel`, { as: party.leader })
    assert.equal(cancel.statusCode, 200)
    const [{ due }] = (await t.sql<{ due: number }>(
      'SELECT extract(epoch FROM deadline) * 1000 AS due FROM parties WHERE id = $1',
      [party.id],
    )) as [{ due: number }]
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, Number(due) - Date.now()) + 3_000))
    assert.equal(await statusOf(party.id), 'CANCELLED')
    const events = await t.sql(
      `SELECT 1 FROM outbox_messages WHERE event_name = 'party.expired.v1' AND payload->>'partyId' = $1`,
      [party.id],
    )
    assert.equal(events.length, 0)
  })

  test('the expiry survives a restart of the service', async () => {
    const party = await makeParty(t, marketId, shortDeadline(6))
    await t.restart()
    await waitUntil(async () => (await statusOf(party.id)) === 'EXPIRED', {
      timeoutMs: 15_000,
      message: 'party expired after the restart',
    })
  })

  test('a job that runs early does nothing and fails, to be retried', async () => {
    const party = await makeParty(t, marketId)
    await assert.rejects(t.app.partyDomain.expiry.expire(party.id), /not due/)
    assert.equal(await statusOf(party.id), 'OPEN')
  })
})
