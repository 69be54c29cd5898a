import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { buyerIdentity } from '@deals/contracts/testing'
import type { Identity } from '@deals/contracts'
import { client, startTestPartyApp, type TestPartyApp } from '../support/test-party-app.ts'
import { joinAll, makeParty, partyTerms, type MadeParty } from '../support/parties.ts'
import { penaltyCountKey } from '../../src/domain/penalties/penalty-counts.ts'

describe('no-show penalties', () => {
  let t: TestPartyApp
  let marketId: string
  const call = (...args: Parameters<ReturnType<typeof client>>) => client(t)(...args)

  before(async () => {
    t = await startTestPartyApp({ MAX_PENALTIES: '2' })
    marketId = (await t.market()).marketId
  })
  after(() => t.close())

  /** A party of the leader and `members` that filled and has met (its times moved into the past). */
  async function heldParty(members: Identity[]): Promise<MadeParty> {
    const party = await makeParty(t, marketId, { capacity: members.length + 1 })
    await joinAll(t, party.id, members)
    await t.sql(
      `UPDATE parties SET deadline = now() - interval '2 hours', meet_at = now() - interval '1 hour' WHERE id = $1`,
      [party.id],
    )
    return party
  }
  const countOf = async (userId: string) =>
    (await call('GET', `/users/${userId}/penalties`, { as: buyerIdentity() })).json().count as number

  test('20 concurrent marks of the same no-show count once', async () => {
    const noShow = buyerIdentity()
    const party = await heldParty([noShow])
    assert.equal(await countOf(noShow.userId), 0)
    assert.equal(await t.redis.get(penaltyCountKey(noShow.userId)), '0', 'the zero is cached too')

    const responses = await Promise.all(
      Array.from({ length: 20 }, () =>
        call('POST', `/parties/${party.id}/penalties`, {
          as: party.leader,
          body: { userId: noShow.userId, reason: '안 나타남' },
        }),
      ),
    )
    const statuses = responses.map((r) => r.statusCode)
    assert.equal(statuses.filter((s) => s === 201).length, 1, statuses.join(','))
    assert.equal(statuses.filter((s) => s === 200).length, 19)
    assert.ok(responses.every((r) => r.json().count === 1 && r.json().userId === noShow.userId))

    const rows = await t.sql('SELECT 1 FROM penalties WHERE user_id = $1', [noShow.userId])
    assert.equal(rows.length, 1)
    assert.equal(await countOf(noShow.userId), 1)
    assert.equal(await t.redis.get(penaltyCountKey(noShow.userId)), '1')
  })

  test('the cached count follows every new penalty, and reaching the maximum blocks joining', async () => {
    const noShow = buyerIdentity()
    const first = await heldParty([noShow])
    const second = await heldParty([noShow])
    const open = await makeParty(t, marketId)
    const mark = (party: MadeParty) =>
      call('POST', `/parties/${party.id}/penalties`, {
        as: party.leader,
        body: { userId: noShow.userId, reason: 'no-show' },
      })

    assert.equal(await countOf(noShow.userId), 0)
    assert.equal((await mark(first)).statusCode, 201)
    assert.equal(await countOf(noShow.userId), 1)
    const joinsAtOne = await call('POST', `/parties/${open.id}/join`, { as: noShow })
    assert.equal(joinsAtOne.statusCode, 200, 'one no-show is under the maximum of 2')
    await call('POST', `/parties/${open.id}/leave`, { as: noShow })

    assert.equal((await mark(second)).statusCode, 201)
    assert.equal(await countOf(noShow.userId), 2)
    const blocked = await call('POST', `/parties/${open.id}/join`, { as: noShow })
    assert.equal(blocked.statusCode, 403)
    assert.equal(blocked.json().code, 'TOO_MANY_PENALTIES')
    const creates = await call('POST', '/parties', {
      as: noShow,
      body: partyTerms(marketId),
    })
    assert.equal(creates.statusCode, 403)
    assert.equal(creates.json().code, 'TOO_MANY_PENALTIES')
  })

  test('a cache entry lost or evicted is rebuilt from the database', async () => {
    const noShow = buyerIdentity()
    const party = await heldParty([noShow])
    await call('POST', `/parties/${party.id}/penalties`, {
      as: party.leader,
      body: { userId: noShow.userId, reason: 'no-show' },
    })
    await t.redis.del(penaltyCountKey(noShow.userId))
    assert.equal(await countOf(noShow.userId), 1)
    const ttl = await t.redis.ttl(penaltyCountKey(noShow.userId))
    assert.ok(ttl > 23 * 3600 && ttl <= 24 * 3600, `ttl ${ttl}`)
  })

  test('a stale lower count never replaces a higher one in the cache', async () => {
    const userId = randomUUID()
    await t.redis.set(penaltyCountKey(userId), '3')
    // A reader that counted before the third penalty committed arrives late with its 2.
    assert.equal(await t.app.redis.partyRaisePenaltyCount(penaltyCountKey(userId), 2, 60), 3)
    assert.equal(await t.redis.get(penaltyCountKey(userId)), '3')
  })

  test('only the leader marks, only after the meeting of a party that filled, only its members', async () => {
    const member = buyerIdentity()
    const outsider = buyerIdentity()
    const held = await heldParty([member])
    const mark = (party: MadeParty, as: Identity, userId: string) =>
      call('POST', `/parties/${party.id}/penalties`, { as, body: { userId, reason: 'no-show' } })
    const expect = async (response: Awaited<ReturnType<typeof mark>>, status: number, code: string) => {
      assert.equal(response.statusCode, status, response.body)
      assert.equal(response.json().code, code)
    }

    await expect(await mark(held, member, member.userId), 403, 'NOT_THE_LEADER')
    await expect(await mark(held, held.leader, outsider.userId), 422, 'TARGET_NOT_A_MEMBER')
    await expect(await mark(held, held.leader, held.leader.userId), 422, 'CANNOT_PENALIZE_LEADER')

    const upcoming = await makeParty(t, marketId, { capacity: 2 })
    await joinAll(t, upcoming.id, [member])
    await expect(await mark(upcoming, upcoming.leader, member.userId), 409, 'MEETING_NOT_YET')

    const unfilled = await makeParty(t, marketId)
    await joinAll(t, unfilled.id, [member])
    await t.sql(
      `UPDATE parties SET status = 'EXPIRED', deadline = now() - interval '2 hours', meet_at = now() - interval '1 hour' WHERE id = $1`,
      [unfilled.id],
    )
    await expect(await mark(unfilled, unfilled.leader, member.userId), 409, 'PARTY_NOT_HELD')
    await expect(
      await mark({ ...held, id: randomUUID() }, held.leader, member.userId),
      404,
      'PARTY_NOT_FOUND',
    )
    const rows = await t.sql('SELECT 1 FROM penalties WHERE user_id = $1', [member.userId])
    assert.equal(rows.length, 0)
  })
})
