import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import pg from 'pg'
import { buyerIdentity } from '@deals/contracts/testing'
import { client, startTestPartyApp, type TestPartyApp } from '../support/test-party-app.ts'
import { joinAll, makeParty } from '../support/parties.ts'

/** Written from the textbook formula, apart from the service's SQL; mean Earth radius. */
function haversineKm(a: { lat: number; lng: number }, b: { lat: number; lng: number }): number {
  const rad = (deg: number) => (deg * Math.PI) / 180
  const h =
    Math.sin(rad(b.lat - a.lat) / 2) ** 2 +
    Math.cos(rad(a.lat)) * Math.cos(rad(b.lat)) * Math.sin(rad(b.lng - a.lng) / 2) ** 2
  return 2 * 6371.0088 * Math.asin(Math.sqrt(h))
}

const MANGWON = { lat: 37.5559, lng: 126.9063 }

describe('open parties near a point', () => {
  let t: TestPartyApp
  const open: { id: string; lat: number; lng: number }[] = []
  const closed: string[] = []

  before(async () => {
    t = await startTestPartyApp()
    // Markets on a spiral out to ~15 km, one far away; two open parties at some of them.
    const markets = []
    for (let i = 0; i < 12; i++) {
      const step = 0.004 * (i + 1) ** 1.2
      const angle = i * 2.4
      markets.push(
        await t.market({
          name: `시장 ${i}`,
          lat: MANGWON.lat + step * Math.sin(angle),
          lng: MANGWON.lng + step * Math.cos(angle) * 1.26,
        }),
      )
    }
    markets.push(await t.market({ name: '자갈치시장', lat: 35.0966, lng: 129.0306 }))
    for (const [i, market] of markets.entries()) {
      for (let k = 0; k < (i % 3 === 0 ? 2 : 1); k++) {
        const party = await makeParty(t, market.marketId, { capacity: 2 })
        open.push({ id: party.id, lat: market.lat, lng: market.lng })
      }
    }
    // Not listed: a full one, a cancelled one, one whose deadline passed before its expiry ran.
    const near = markets[0]!.marketId
    const full = await makeParty(t, near, { capacity: 2 })
    await joinAll(t, full.id, [buyerIdentity()])
    const cancelled = await makeParty(t, near)
    await client(t)('POST', `/parties/${cancelled.id}/cancel`, { as: cancelled.leader })
    const late = await makeParty(t, near)
    await t.sql(`UPDATE parties SET deadline = now() - interval '1 second' WHERE id = $1`, [late.id])
    closed.push(full.id, cancelled.id, late.id)
  })
  after(() => t.close())

  test('lists open parties within the radius nearest first, with great-circle distances', async () => {
    const radiusKm = 8
    const response = await client(t)(
      'GET',
      `/parties/nearby?lat=${MANGWON.lat}&lng=${MANGWON.lng}&radiusKm=${radiusKm}&limit=100`,
    )
    assert.equal(response.statusCode, 200, response.body)
    const { items, nextCursor } = response.json() as {
      items: { id: string; distanceKm: number; status: string }[]
      nextCursor: string | null
    }
    assert.equal(nextCursor, null)
    const expected = open
      .map((p) => ({ id: p.id, km: haversineKm(MANGWON, p) }))
      .filter((p) => p.km <= radiusKm)
      .sort((a, b) => a.km - b.km || (a.id < b.id ? -1 : 1))
    assert.ok(expected.length > 3 && expected.length < open.length, 'the radius cuts the set')
    assert.deepEqual(
      items.map((p) => p.id),
      expected.map((p) => p.id),
    )
    for (const [i, item] of items.entries()) {
      assert.ok(
        Math.abs(item.distanceKm - expected[i]!.km) < 0.001,
        `${item.distanceKm} vs ${expected[i]!.km}`,
      )
      assert.equal(item.status, 'OPEN')
      assert.ok(!closed.includes(item.id))
    }
  })

  test('pages continue where the last one stopped, in the same order', async () => {
    const url = `/parties/nearby?lat=${MANGWON.lat}&lng=${MANGWON.lng}&radiusKm=50`
    const all = (await client(t)('GET', `${url}&limit=100`)).json().items.map((p: { id: string }) => p.id)
    const paged: string[] = []
    let cursor: string | null = null
    do {
      const response = await client(t)('GET', `${url}&limit=4${cursor ? `&cursor=${cursor}` : ''}`)
      assert.equal(response.statusCode, 200, response.body)
      const page = response.json() as { items: { id: string }[]; nextCursor: string | null }
      paged.push(...page.items.map((p) => p.id))
      cursor = page.nextCursor
    } while (cursor)
    assert.deepEqual(paged, all)
    const within50 = open.filter((p) => haversineKm(MANGWON, p) <= 50)
    assert.equal(all.length, within50.length, 'every open party but those in Busan')
    assert.ok(within50.length < open.length)
  })

  test('the radius search can use the markets’ earth index', async () => {
    const db = new pg.Client({ connectionString: t.database.url })
    await db.connect()
    try {
      // With a handful of rows a scan is cheaper; forbid it to see that the index serves the box.
      await db.query('SET enable_seqscan = off')
      const plan = await db.query<{ 'QUERY PLAN': string }>(
        `EXPLAIN SELECT id FROM markets WHERE earth_box(ll_to_earth(37.55, 126.9), 5000) @> ll_to_earth(lat, lng)`,
      )
      assert.match(plan.rows.map((r) => r['QUERY PLAN']).join('\n'), /markets_earth_idx/)
    } finally {
      await db.end()
    }
  })
})
