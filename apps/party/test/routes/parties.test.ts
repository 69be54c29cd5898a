import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { apiKeyIdentity, buyerIdentity, sellerIdentity } from '@deals/contracts/testing'
import { client, startTestPartyApp, type TestPartyApp } from '../support/test-party-app.ts'
import { joinAll, makeParty, MINUTE, partyTerms } from '../support/parties.ts'

describe('parties: create, join, leave, cancel', () => {
  let t: TestPartyApp
  let marketId: string
  const call = (...args: Parameters<ReturnType<typeof client>>) => client(t)(...args)
  const codeOf = (response: { json(): unknown }) => (response.json() as { code: string }).code

  before(async () => {
    t = await startTestPartyApp()
    marketId = (await t.market()).marketId
  })
  after(() => t.close())

  test('a buyer creates a party at a known market, leads it and is its first member', async () => {
    const leader = buyerIdentity()
    const terms = partyTerms(marketId)
    const response = await call('POST', '/parties', { as: leader, body: terms })
    assert.equal(response.statusCode, 201, response.body)
    const party = response.json()
    assert.equal(party.status, 'OPEN')
    assert.equal(party.leaderId, leader.userId)
    assert.equal(party.memberCount, 1)
    assert.equal(party.itemName, '대파')
    assert.equal(party.productId, null)
    assert.equal(party.market.id, marketId)
    assert.equal(party.market.name, '망원시장')
    assert.equal(party.deadline, terms.deadline)

    const read = await call('GET', `/parties/${party.id}`)
    assert.equal(read.statusCode, 200)
    assert.deepEqual(read.json(), party)
    const members = await t.sql('SELECT user_id FROM party_members WHERE party_id = $1', [party.id])
    assert.deepEqual(members, [{ user_id: leader.userId }])
  })

  test('a party for a catalog product keeps the product id and its name', async () => {
    const productId = randomUUID()
    const response = await call('POST', '/parties', {
      as: buyerIdentity(),
      body: { ...partyTerms(marketId), itemName: undefined, productId, productName: '제주 감귤 10kg' },
    })
    assert.equal(response.statusCode, 201, response.body)
    assert.equal(response.json().productId, productId)
    assert.equal(response.json().itemName, '제주 감귤 10kg')
  })

  test('creating is refused for unknown markets, bad times, non-buyers and bad item choices', async () => {
    const buyer = buyerIdentity()
    const now = Date.now()
    const unknown = await call('POST', '/parties', { as: buyer, body: partyTerms(randomUUID()) })
    assert.equal(unknown.statusCode, 404)
    assert.equal(codeOf(unknown), 'MARKET_NOT_FOUND')

    const pastDeadline = partyTerms(marketId, { deadline: new Date(now - MINUTE).toISOString() })
    const deadlineAfterMeeting = partyTerms(marketId, {
      deadline: new Date(now + 3 * MINUTE).toISOString(),
      meetAt: new Date(now + 2 * MINUTE).toISOString(),
    })
    for (const body of [pastDeadline, deadlineAfterMeeting]) {
      const response = await call('POST', '/parties', { as: buyer, body })
      assert.equal(response.statusCode, 422, response.body)
      assert.equal(codeOf(response), 'BAD_PARTY_TIMES')
    }

    for (const body of [
      { ...partyTerms(marketId), productId: randomUUID(), productName: '사과' },
      { ...partyTerms(marketId), itemName: undefined },
      { ...partyTerms(marketId), itemName: undefined, productId: randomUUID() },
      partyTerms(marketId, { capacity: 1 }),
      partyTerms(marketId, { capacity: 51 }),
    ]) {
      const response = await call('POST', '/parties', { as: buyer, body })
      assert.equal(response.statusCode, 400, `${JSON.stringify(body)} -> ${response.body}`)
      assert.equal(codeOf(response), 'VALIDATION_FAILED')
    }

    const seller = sellerIdentity({ roles: ['SELLER'] })
    for (const as of [seller, apiKeyIdentity(sellerIdentity(), ['deals:write'])]) {
      const response = await call('POST', '/parties', { as, body: partyTerms(marketId) })
      assert.equal(response.statusCode, 403)
    }
    const anonymous = await call('POST', '/parties', { body: partyTerms(marketId) })
    assert.equal(anonymous.statusCode, 401)
    const rows = await t.sql('SELECT count(*)::int AS n FROM parties WHERE leader_id = $1', [buyer.userId])
    assert.equal(rows[0]!.n, 0, 'no refused party was written')
  })

  test('the last place fills the party; nobody joins a full party', async () => {
    const party = await makeParty(t, marketId, { capacity: 3 })
    const [a, b, c] = [buyerIdentity(), buyerIdentity(), buyerIdentity()]
    const first = await call('POST', `/parties/${party.id}/join`, { as: a })
    assert.equal(first.json().status, 'OPEN')
    assert.equal(first.json().memberCount, 2)
    const last = await call('POST', `/parties/${party.id}/join`, { as: b })
    assert.equal(last.statusCode, 200)
    assert.equal(last.json().status, 'FILLED')
    assert.equal(last.json().memberCount, 3)

    const full = await call('POST', `/parties/${party.id}/join`, { as: c })
    assert.equal(full.statusCode, 409)
    assert.equal(codeOf(full), 'PARTY_FULL')
    const again = await call('POST', `/parties/${party.id}/join`, { as: a })
    assert.equal(again.statusCode, 409)
    assert.equal(codeOf(again), 'ALREADY_MEMBER')
  })

  test('a member leaving a full party opens it again; the leader cannot leave, strangers cannot', async () => {
    const party = await makeParty(t, marketId, { capacity: 2 })
    const member = buyerIdentity()
    await joinAll(t, party.id, [member])
    assert.equal((await call('GET', `/parties/${party.id}`)).json().status, 'FILLED')

    const leaderLeaves = await call('POST', `/parties/${party.id}/leave`, { as: party.leader })
    assert.equal(leaderLeaves.statusCode, 409)
    assert.equal(codeOf(leaderLeaves), 'LEADER_CANNOT_LEAVE')
    const stranger = await call('POST', `/parties/${party.id}/leave`, { as: buyerIdentity() })
    assert.equal(stranger.statusCode, 403)
    assert.equal(codeOf(stranger), 'NOT_A_MEMBER')

    const left = await call('POST', `/parties/${party.id}/leave`, { as: member })
    assert.equal(left.statusCode, 200, left.body)
    assert.equal(left.json().status, 'OPEN')
    assert.equal(left.json().memberCount, 1)
    const rejoin = await call('POST', `/parties/${party.id}/join`, { as: member })
    assert.equal(rejoin.statusCode, 200)
    assert.equal(rejoin.json().status, 'FILLED')
  })

  test('only the leader cancels; nobody joins or leaves a cancelled party, and it cannot be cancelled twice', async () => {
    const party = await makeParty(t, marketId)
    const member = buyerIdentity()
    await joinAll(t, party.id, [member])

    const byMember = await call('POST', `/parties/${party.id}/cancel`, { as: member })
    assert.equal(byMember.statusCode, 403)
    assert.equal(codeOf(byMember), 'NOT_THE_LEADER')
    const cancelled = await call('POST', `/parties/${party.id}/cancel`, { as: party.leader })
    assert.equal(cancelled.statusCode, 200)
    assert.equal(cancelled.json().status, 'CANCELLED')

    for (const [path, as] of [
      ['join', buyerIdentity()],
      ['leave', member],
      ['cancel', party.leader],
    ] as const) {
      const response = await call('POST', `/parties/${party.id}/${path}`, { as })
      assert.equal(response.statusCode, 409, `${path}: ${response.body}`)
      assert.equal(codeOf(response), 'PARTY_CANCELLED')
    }
  })

  test('joining and leaving after the deadline are refused; an expired party says so', async () => {
    const party = await makeParty(t, marketId)
    const member = buyerIdentity()
    await joinAll(t, party.id, [member])
    // The deadline passes (the expiry job is far in the future as scheduled, so the party is still OPEN).
    await t.sql(`UPDATE parties SET deadline = now() - interval '1 second' WHERE id = $1`, [party.id])
    const join = await call('POST', `/parties/${party.id}/join`, { as: buyerIdentity() })
    assert.equal(join.statusCode, 409)
    assert.equal(codeOf(join), 'DEADLINE_PASSED')
    const leave = await call('POST', `/parties/${party.id}/leave`, { as: member })
    assert.equal(leave.statusCode, 409)
    assert.equal(codeOf(leave), 'DEADLINE_PASSED')

    await t.sql(`UPDATE parties SET status = 'EXPIRED' WHERE id = $1`, [party.id])
    const expired = await call('POST', `/parties/${party.id}/join`, { as: buyerIdentity() })
    assert.equal(expired.statusCode, 409)
    assert.equal(codeOf(expired), 'PARTY_EXPIRED')
  })

  test('a cancel after the meeting time is refused', async () => {
    const party = await makeParty(t, marketId)
    await t.sql(
      `UPDATE parties SET deadline = now() - interval '2 hours', meet_at = now() - interval '1 hour' WHERE id = $1`,
      [party.id],
    )
    const response = await call('POST', `/parties/${party.id}/cancel`, { as: party.leader })
    assert.equal(response.statusCode, 409)
    assert.equal(codeOf(response), 'MEETING_PASSED')
  })

  test('unknown parties are 404 on every route', async () => {
    const id = randomUUID()
    for (const [method, path] of [
      ['GET', `/parties/${id}`],
      ['POST', `/parties/${id}/join`],
      ['POST', `/parties/${id}/leave`],
      ['POST', `/parties/${id}/cancel`],
    ] as const) {
      const response = await call(method, path, { as: buyerIdentity() })
      assert.equal(response.statusCode, 404, `${method} ${path}`)
      assert.equal(codeOf(response), 'PARTY_NOT_FOUND')
    }
  })

  test('my parties lists the ones I lead or joined, latest first, in pages', async () => {
    const me = buyerIdentity()
    const led = await makeParty(t, marketId, {}, me)
    const joined = []
    for (let i = 0; i < 3; i++) {
      const party = await makeParty(t, marketId)
      await joinAll(t, party.id, [me])
      joined.push(party)
    }
    await makeParty(t, marketId)
    const seen: string[] = []
    let cursor: string | null = null
    do {
      const response = await call('GET', `/me/parties?limit=2${cursor ? `&cursor=${cursor}` : ''}`, {
        as: me,
      })
      assert.equal(response.statusCode, 200, response.body)
      const page = response.json() as { items: { id: string }[]; nextCursor: string | null }
      assert.ok(page.items.length <= 2)
      seen.push(...page.items.map((p) => p.id))
      cursor = page.nextCursor
    } while (cursor)
    assert.deepEqual(seen, [...joined.map((p) => p.id).reverse(), led.id])
  })
})
