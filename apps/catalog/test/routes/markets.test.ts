import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { adminIdentity, buyerIdentity, sellerIdentity } from '@deals/contracts/testing'
import { client, sql, startTestCatalogApp, type TestCatalogApp } from '../support/test-catalog-app.ts'

/** Written from the textbook formula, apart from the service's SQL; mean Earth radius. */
function haversineKm(a: { lat: number; lng: number }, b: { lat: number; lng: number }): number {
  const rad = (deg: number) => (deg * Math.PI) / 180
  const h =
    Math.sin(rad(b.lat - a.lat) / 2) ** 2 +
    Math.cos(rad(a.lat)) * Math.cos(rad(b.lat)) * Math.sin(rad(b.lng - a.lng) / 2) ** 2
  return 2 * 6371.0088 * Math.asin(Math.sqrt(h))
}

const CITY_HALL = { lat: 37.5663, lng: 126.9779 }

/** Markets at known bearings and distances around Seoul City Hall, plus some far away. */
function marketsAround() {
  const markets = []
  for (let i = 0; i < 40; i++) {
    // ~0.3 km to ~30 km out, on a spiral so that no two are at the same distance.
    const step = 0.0027 * (i + 1) ** 1.25
    const angle = i * 2.4
    markets.push({
      name: `시장 ${i}`,
      address: `서울 어딘가 ${i}`,
      lat: CITY_HALL.lat + step * Math.sin(angle),
      lng: CITY_HALL.lng + step * Math.cos(angle) * 1.26,
    })
  }
  markets.push({ name: '자갈치시장', address: '부산 중구', lat: 35.0966, lng: 129.0306 })
  markets.push({ name: '동문시장', address: '제주 제주시', lat: 33.5116, lng: 126.5268 })
  return markets
}

describe('markets', () => {
  let t: TestCatalogApp
  const admin = adminIdentity()
  const created: { id: string; lat: number; lng: number }[] = []

  before(async () => {
    t = await startTestCatalogApp()
    for (const market of marketsAround()) {
      const response = await client(t)('POST', '/markets', { as: admin, body: market })
      assert.equal(response.statusCode, 201, response.body)
      created.push(response.json())
    }
  })
  after(() => t.close())

  test('nearby lists markets inside the radius nearest first, with great-circle distances', async () => {
    const radiusKm = 10
    const response = await client(t)(
      'GET',
      `/markets/nearby?lat=${CITY_HALL.lat}&lng=${CITY_HALL.lng}&radiusKm=${radiusKm}&limit=100`,
    )
    assert.equal(response.statusCode, 200, response.body)
    const { items, nextCursor } = response.json()
    assert.equal(nextCursor, null)

    const expected = created
      .map((m) => ({ id: m.id, km: haversineKm(CITY_HALL, m) }))
      .filter((m) => m.km <= radiusKm)
      .sort((a, b) => a.km - b.km)
    assert.ok(expected.length > 5 && expected.length < created.length, 'the radius cuts the set')
    assert.deepEqual(
      items.map((m: { id: string }) => m.id),
      expected.map((m) => m.id),
    )
    for (const [i, item] of items.entries()) {
      assert.ok(
        Math.abs(item.distanceKm - expected[i]!.km) <= 0.01,
        `${item.distanceKm} vs ${expected[i]!.km}`,
      )
      assert.ok(item.distanceKm <= radiusKm)
    }
  })

  test('nearby pages with a cursor, each page continuing where the last stopped', async () => {
    const seen: { id: string; distanceKm: number }[] = []
    let cursor: string | null = null
    let pages = 0
    do {
      const query: string = `lat=${CITY_HALL.lat}&lng=${CITY_HALL.lng}&radiusKm=50&limit=7`
      const response = await client(t)('GET', `/markets/nearby?${query}${cursor ? `&cursor=${cursor}` : ''}`)
      assert.equal(response.statusCode, 200, response.body)
      const page = response.json()
      assert.ok(page.items.length <= 7)
      seen.push(...page.items)
      cursor = page.nextCursor
      pages++
    } while (cursor && pages < 20)

    const inRadius = created.filter((m) => haversineKm(CITY_HALL, m) <= 50)
    assert.equal(seen.length, inRadius.length)
    assert.equal(new Set(seen.map((m) => m.id)).size, seen.length, 'no market twice')
    assert.ok(pages >= Math.ceil(inRadius.length / 7))
    for (let i = 1; i < seen.length; i++) assert.ok(seen[i - 1]!.distanceKm <= seen[i]!.distanceKm)
  })

  test('markets at the same spot are paged in id order, none skipped or repeated', async () => {
    const spot = { lat: 37.4842, lng: 130.9057 }
    const ids: string[] = []
    for (let i = 0; i < 5; i++) {
      const response = await client(t)('POST', '/markets', {
        as: admin,
        body: { name: `울릉 ${i}`, address: '울릉군', ...spot },
      })
      ids.push(response.json().id)
    }
    const seen: string[] = []
    let cursor: string | null = null
    do {
      const url: string = `/markets/nearby?lat=${spot.lat}&lng=${spot.lng}&radiusKm=1&limit=2${cursor ? `&cursor=${cursor}` : ''}`
      const page = (await client(t)('GET', url)).json()
      seen.push(...page.items.map((m: { id: string }) => m.id))
      cursor = page.nextCursor
    } while (cursor)
    assert.deepEqual(seen, [...ids].sort())
  })

  test('a point far from Seoul finds only its own market', async () => {
    const response = await client(t)('GET', '/markets/nearby?lat=35.1&lng=129.03&radiusKm=2')
    assert.equal(response.statusCode, 200)
    assert.deepEqual(
      response.json().items.map((m: { name: string }) => m.name),
      ['자갈치시장'],
    )
  })

  test('only an admin adds or corrects a market', async () => {
    const body = { name: '망원시장', address: '서울 마포구', lat: 37.556, lng: 126.906 }
    for (const as of [buyerIdentity(), sellerIdentity()]) {
      const response = await client(t)('POST', '/markets', { as, body })
      assert.equal(response.statusCode, 403)
      assert.equal(response.json().code, 'FORBIDDEN')
      const patch = await client(t)('PATCH', `/markets/${created[0]!.id}`, { as, body: { name: 'x' } })
      assert.equal(patch.statusCode, 403)
    }
    assert.equal((await client(t)('POST', '/markets', { body })).statusCode, 401)
  })

  test('a correction is stored and both changes are in the outbox', async () => {
    const market = created[3]!
    const response = await client(t)('PATCH', `/markets/${market.id}`, {
      as: admin,
      body: { name: '  통인시장 ', lat: 37.5809 },
    })
    assert.equal(response.statusCode, 200, response.body)
    assert.equal(response.json().name, '통인시장')
    assert.equal(response.json().lat, 37.5809)
    assert.equal((await client(t)('GET', `/markets/${market.id}`)).json().name, '통인시장')

    const events = await sql<{ event_name: string; payload: Record<string, unknown> }>(
      t,
      `SELECT event_name, payload FROM outbox_messages WHERE payload->>'marketId' = $1 ORDER BY created_at`,
      [market.id],
    )
    assert.deepEqual(
      events.map((e) => e.event_name),
      ['market.created.v1', 'market.updated.v1'],
    )
    assert.deepEqual(events[1]!.payload, {
      marketId: market.id,
      name: '통인시장',
      address: response.json().address,
      lat: 37.5809,
      lng: market.lng,
    })
  })

  test('bad input is a 4xx problem, never a 500', async () => {
    const c = client(t)
    const cases: [string, string, unknown?][] = [
      ['GET', '/markets/nearby?lat=91&lng=127'],
      ['GET', '/markets/nearby?lat=37&lng=-181'],
      ['GET', '/markets/nearby?lat=abc&lng=127'],
      ['GET', '/markets/nearby?lng=127'],
      ['GET', '/markets/nearby?lat=37&lng=127&radiusKm=51'],
      ['GET', '/markets/nearby?lat=37&lng=127&radiusKm=0'],
      ['GET', '/markets/nearby?lat=37&lng=127&limit=101'],
      ['GET', '/markets/nearby?lat=37&lng=127&cursor=not-a-cursor'],
      ['GET', '/markets/not-a-uuid'],
      ['POST', '/markets', { name: 'x', address: 'y', lat: 100, lng: 127 }],
      ['POST', '/markets', { name: '', address: 'y', lat: 37, lng: 127 }],
      ['POST', '/markets', { name: 'x', address: 'y', lat: '37', lng: 127 }],
      ['POST', '/markets', { name: 'x', address: 'y', lat: 37, lng: 127, extra: 1 }],
      ['PATCH', `/markets/${created[0]!.id}`, {}],
      ['PATCH', `/markets/${created[0]!.id}`, { lng: 200 }],
    ]
    for (const [method, url, body] of cases) {
      const response = await c(method as 'GET', url, { as: admin, body })
      assert.ok(
        response.statusCode >= 400 && response.statusCode < 500,
        `${method} ${url} → ${response.statusCode}`,
      )
      assert.equal(response.headers['content-type'], 'application/problem+json; charset=utf-8')
      assert.equal(typeof response.json().code, 'string')
    }
    const missing = await c('GET', '/markets/0193a8f0-0000-7000-8000-000000000000')
    assert.equal(missing.statusCode, 404)
    assert.equal(missing.json().code, 'MARKET_NOT_FOUND')
    const patchMissing = await c('PATCH', '/markets/0193a8f0-0000-7000-8000-000000000000', {
      as: admin,
      body: { name: 'x' },
    })
    assert.equal(patchMissing.statusCode, 404)
  })
})
