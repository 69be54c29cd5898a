import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { marketCreatedV1, marketUpdatedV1 } from '@deals/contracts'
import { waitUntil } from '@deals/messaging/testing'
import { startTestPartyApp, type TestPartyApp } from '../support/test-party-app.ts'
import { makeParty } from '../support/parties.ts'
import { MARKET_CONSUMER } from '../../src/plugins/market-consumer.ts'

describe('the markets replica', () => {
  let t: TestPartyApp
  before(async () => {
    t = await startTestPartyApp()
  })
  after(() => t.close())

  const marketRow = async (id: string) =>
    (await t.sql('SELECT name, address, lat, lng FROM markets WHERE id = $1', [id]))[0]

  test('catalog’s market.created and market.updated keep the local copy parties are made at', async () => {
    const market = await t.market({
      name: '광장시장',
      address: '서울 종로구 창경궁로 88',
      lat: 37.57,
      lng: 126.9996,
    })
    const party = await makeParty(t, market.marketId)
    assert.equal(party.memberCount, 1)

    await t.market({ ...market, name: '광장전통시장', lat: 37.5701 }, marketUpdatedV1.name)
    assert.deepEqual(await marketRow(market.marketId), {
      name: '광장전통시장',
      address: '서울 종로구 창경궁로 88',
      lat: 37.5701,
      lng: 126.9996,
    })
  })

  test('a redelivered event is applied once (the inbox), and a malformed one is parked, not applied', async () => {
    const marketId = randomUUID()
    const messageId = randomUUID()
    const snapshot = { marketId, name: '남대문시장', address: '서울 중구', lat: 37.559, lng: 126.977 }
    await t.publish(marketCreatedV1.name, snapshot, messageId)
    await waitUntil(async () => (await marketRow(marketId)) !== undefined, { message: 'market applied' })
    // The same message again after a later correction: the old snapshot must not come back.
    await t.publish(marketUpdatedV1.name, { ...snapshot, name: '남대문시장 (고침)' })
    await waitUntil(async () => (await marketRow(marketId))?.name === '남대문시장 (고침)')
    await t.publish(marketCreatedV1.name, snapshot, messageId)
    const bad = randomUUID()
    await t.publish(marketCreatedV1.name, { marketId: bad, name: 'no point' })
    const outcomes = async () => (await t.app.inject({ method: 'GET', url: '/metrics' })).body
    const counted = (text: string, outcome: string) =>
      new RegExp(
        `messaging_consumer_messages_total\\{[^}]*consumer="${MARKET_CONSUMER}"[^}]*outcome="${outcome}"[^}]*\\} [1-9]`,
      ).test(text)
    await waitUntil(
      async () => {
        const text = await outcomes()
        return counted(text, 'duplicate') && counted(text, 'invalid')
      },
      { message: 'the duplicate skipped and the malformed event parked' },
    )
    assert.equal((await marketRow(marketId))?.name, '남대문시장 (고침)')
    assert.equal(await marketRow(bad), undefined)
  })
})
