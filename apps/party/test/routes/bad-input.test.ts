import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { buyerIdentity } from '@deals/contracts/testing'
import { encodeCursor } from '@deals/service-kit'
import { gatewayHeaders } from '@deals/service-kit/testing'
import { assertProblem } from '@deals/testing'
import { client, startTestPartyApp, type TestPartyApp } from '../support/test-party-app.ts'
import { makeParty, partyTerms } from '../support/parties.ts'
import { openChat, wsBase } from '../support/chat-client.ts'

describe('bad input is a 4xx problem, never a 500 or a partial write', () => {
  let t: TestPartyApp
  let marketId: string
  let partyId: string
  const buyer = buyerIdentity()

  before(async () => {
    t = await startTestPartyApp()
    marketId = (await t.market()).marketId
    partyId = (await makeParty(t, marketId, {}, buyer)).id
  })
  after(() => t.close())

  test('party creation', async () => {
    const good = partyTerms(marketId)
    const bodies: [string, unknown, number][] = [
      ['missing fields', { marketId }, 400],
      ['market id not a uuid', { ...good, marketId: 'market-1' }, 400],
      ['capacity a string', { ...good, capacity: '4' }, 400],
      ['fractional price', { ...good, pricePerPerson: 10.5 }, 400],
      ['negative price', { ...good, pricePerPerson: -1 }, 400],
      ['not a date', { ...good, meetAt: 'tomorrow' }, 400],
      ['unknown field', { ...good, discount: 10 }, 400],
      ['blank title', { ...good, title: '   ' }, 400],
      ['title too long', { ...good, title: 'x'.repeat(101) }, 400],
      ['an array', [good], 400],
    ]
    for (const [what, body, status] of bodies)
      assertProblem(await client(t)('POST', '/parties', { as: buyer, body }), { status }, what)

    const raw = (payload: string, contentType: string) =>
      t.app.inject({
        method: 'POST',
        url: '/parties',
        headers: { ...gatewayHeaders(buyer), 'content-type': contentType },
        payload,
      })
    assertProblem(await raw('{"marketId":', 'application/json'), { status: 400 }, 'malformed JSON')
    assertProblem(await raw('title=x', 'application/x-www-form-urlencoded'), { status: 415 }, 'a form')
    const huge = JSON.stringify({ ...good, title: 'x'.repeat(20_000) })
    assertProblem(await raw(huge, 'application/json'), { status: 413 }, 'huge')

    const rows = await t.sql('SELECT 1 FROM parties WHERE leader_id = $1', [buyer.userId])
    assert.equal(rows.length, 1, 'only the party made in before()')
  })

  test('queries, ids and cursors', async () => {
    const as = buyer
    const cases: [string, string][] = [
      ['GET', '/parties/nearby'],
      ['GET', '/parties/nearby?lat=abc&lng=126.9'],
      ['GET', '/parties/nearby?lat=91&lng=126.9'],
      ['GET', '/parties/nearby?lat=37.5&lng=181'],
      ['GET', '/parties/nearby?lat=37.5&lng=126.9&radiusKm=0'],
      ['GET', '/parties/nearby?lat=37.5&lng=126.9&radiusKm=51'],
      ['GET', '/parties/nearby?lat=37.5&lng=126.9&limit=0'],
      ['GET', '/parties/nearby?lat=37.5&lng=126.9&limit=101'],
      ['GET', '/parties/nearby?lat=37.5&lng=126.9&cursor=garbage'],
      ['GET', `/parties/nearby?lat=37.5&lng=126.9&cursor=${encodeCursor({ rank: 1, id: 'x' })}`],
      ['GET', '/me/parties?cursor=garbage'],
      ['GET', `/me/parties?cursor=${encodeCursor({ joinedAt: 'yesterday', partyId: randomUUID() })}`],
      ['GET', '/parties/not-a-uuid'],
      ['POST', '/parties/not-a-uuid/join'],
      ['POST', '/parties/not-a-uuid/leave'],
      ['POST', '/parties/not-a-uuid/cancel'],
      ['GET', '/users/not-a-uuid/penalties'],
      ['GET', `/parties/${partyId}/messages?before=not-a-uuid`],
      ['GET', `/parties/${partyId}/messages?limit=1000`],
    ]
    for (const [method, url] of cases)
      assertProblem(
        await client(t)(method as 'GET' | 'POST', url, { as }),
        { status: 400 },
        `${method} ${url}`,
      )
  })

  test('penalty marks', async () => {
    const url = `/parties/${partyId}/penalties`
    for (const [what, body] of [
      ['no body', undefined],
      ['user id not a uuid', { userId: 'someone', reason: 'no-show' }],
      ['no reason', { userId: randomUUID() }],
      ['reason too long', { userId: randomUUID(), reason: 'x'.repeat(301) }],
    ] as const)
      assertProblem(await client(t)('POST', url, { as: buyer, body }), { status: 400 }, what)
  })

  test('a chat handshake with a bad party id is refused before the upgrade', async () => {
    const refused = await openChat(await wsBase(t.app), 'not-a-uuid', buyer)
    assert.ok('refused' in refused)
    assert.equal(refused.refused, 400)
    assert.equal(JSON.parse(refused.body).code, 'VALIDATION_FAILED')
  })
})
