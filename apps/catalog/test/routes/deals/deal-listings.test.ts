import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { buyerIdentity, sellerIdentity, adminIdentity } from '@deals/contracts/testing'
import { client, sql, startTestCatalogApp, type TestCatalogApp } from '../../support/test-catalog-app.ts'
import { seoulThisWeek, seoulToday } from '../../../src/domain/deals/seoul-calendar.ts'
import { bookDeal, createProduct, inSeconds, waitForStatus } from './deal-fixtures.ts'

const HOUR_MS = 3600 * 1000
const DAY_S = 24 * 3600

describe('listing deals for buyers', () => {
  let t: TestCatalogApp
  const seller = sellerIdentity()
  const buyer = buyerIdentity()
  const ids: Record<string, string> = {}
  let fruitId: string
  const call = (...args: Parameters<ReturnType<typeof client>>) => client(t)(...args)
  const listed = async (query: string, as = buyer) => {
    const response = await call('GET', `/deals${query}`, { as })
    assert.equal(response.statusCode, 200, response.body)
    return (response.json().items as { id: string }[]).map((d) => d.id)
  }
  const has = (list: string[], ...names: string[]) => names.every((n) => list.includes(ids[n]!))
  const lacks = (list: string[], ...names: string[]) => names.every((n) => !list.includes(ids[n]!))

  before(async () => {
    // Deals up to 8 days ahead are announced at once; the one 10 days ahead stays HIDDEN.
    t = await startTestCatalogApp({ DEAL_ANNOUNCE_LEAD_SECONDS: String(8 * DAY_S) })
    const [food] = await sql<{ id: string }>(
      t,
      `INSERT INTO categories (id, slug, name) VALUES (gen_random_uuid(), 'food', '식품') RETURNING id::text`,
    )
    const [fruit] = await sql<{ id: string }>(
      t,
      `INSERT INTO categories (id, slug, name, parent_id)
       VALUES (gen_random_uuid(), 'fruit', '과일', $1) RETURNING id::text`,
      [food!.id],
    )
    fruitId = fruit!.id
    const now = Date.now()
    const week = seoulThisWeek(new Date(now))
    const tomorrow = seoulToday(new Date(now)).to
    const plan: [string, string, Date, Date, string | null][] = [
      ['today', '제주 한라봉 3kg', inSeconds(5), inSeconds(3600), fruitId],
      [
        'tomorrow',
        '경북 사과 5kg',
        new Date(tomorrow.getTime() + HOUR_MS),
        new Date(tomorrow.getTime() + 2 * HOUR_MS),
        null,
      ],
      [
        'nextWeek',
        '한우 등심 1kg',
        new Date(week.to.getTime() + HOUR_MS),
        new Date(week.to.getTime() + 2 * HOUR_MS),
        food!.id,
      ],
      ['hidden', '비밀 한라봉', inSeconds(10 * DAY_S), inSeconds(10 * DAY_S + 3600), fruitId],
      ['suspended', '정지된 한라봉', inSeconds(7200), inSeconds(9000), fruitId],
    ]
    for (const [name, productName, startsAt, endsAt, categoryId] of plan) {
      const product = await createProduct(t, seller, { name: productName, categoryId, price: 50_000 })
      ids[name] = (await bookDeal(t, seller, product, startsAt, endsAt)).id
    }
    await call('POST', `/deals/${ids.suspended}/suspend`, { as: seller, body: { reason: 'x' } })
    for (const name of ['tomorrow', 'nextWeek']) await waitForStatus(t, ids[name]!, 'SCHEDULED', 5_000)
    await waitForStatus(t, ids.today!, 'OPEN', 15_000)
  })
  after(() => t.close())

  test('buyers never see hidden or suspended deals, in lists or by id', async () => {
    const all = await listed('')
    assert.ok(has(all, 'today', 'tomorrow', 'nextWeek'))
    assert.ok(lacks(all, 'hidden', 'suspended'))
    for (const name of ['hidden', 'suspended']) {
      assert.equal((await call('GET', `/deals/${ids[name]}`, { as: buyer })).statusCode, 404)
      assert.equal((await call('GET', `/deals/${ids[name]}`, { as: sellerIdentity() })).statusCode, 404)
      assert.equal((await call('GET', `/deals/${ids[name]}`, { as: seller })).statusCode, 200)
      assert.equal((await call('GET', `/deals/${ids[name]}`, { as: adminIdentity() })).statusCode, 200)
    }
    const one = await call('GET', `/deals/${ids.today}`)
    assert.equal(one.json().status, 'OPEN')
    assert.ok(one.json().serverTime)
    assert.equal(one.json().secondsToStart, 0)
  })

  test('today and this week are Seoul calendar windows that a deal intersects', async () => {
    const today = await listed('?window=today')
    assert.ok(has(today, 'today'))
    assert.ok(lacks(today, 'tomorrow', 'nextWeek'))
    const week = await listed('?window=week')
    assert.ok(has(week, 'today'))
    assert.ok(lacks(week, 'nextWeek'))
    const tomorrowInThisWeek = seoulToday(new Date()).to < seoulThisWeek(new Date()).to
    assert.equal(week.includes(ids.tomorrow!), tomorrowInThisWeek)
  })

  test('category includes its sub-categories, by id or slug; status and q narrow the list', async () => {
    assert.deepEqual(new Set(await listed('?category=food')), new Set([ids.today, ids.nextWeek]))
    assert.deepEqual(await listed(`?category=${fruitId}`), [ids.today])
    assert.deepEqual(await listed('?category=no-such-category'), [])
    assert.deepEqual(await listed('?status=OPEN'), [ids.today])
    assert.deepEqual(await listed(`?q=${encodeURIComponent('한라봉')}`), [ids.today])
    assert.deepEqual(await listed(`?q=${encodeURIComponent('사과')}`), [ids.tomorrow])
    assert.deepEqual(await listed(`?q=${encodeURIComponent('%')}`), [])
  })

  test('pages follow the sort order to the end with a cursor', async () => {
    const seen: string[] = []
    let cursor: string | null = null
    do {
      const query: string = `?sort=endsAt&limit=1${cursor ? `&cursor=${cursor}` : ''}`
      const page = (await call('GET', `/deals${query}`, { as: buyer })).json()
      seen.push(...page.items.map((d: { id: string }) => d.id))
      cursor = page.nextCursor
    } while (cursor)
    assert.deepEqual(seen, [ids.today, ids.tomorrow, ids.nextWeek])
    const byPrice = await call('GET', `/deals?sort=price&limit=2`, { as: buyer })
    const next = byPrice.json().nextCursor
    const mixed = await call('GET', `/deals?sort=startsAt&cursor=${next}`, { as: buyer })
    assert.equal(mixed.statusCode, 400)
    assert.equal(mixed.json().code, 'INVALID_CURSOR')
  })

  test('a deal ended today is still listed; one ended before today is not', async () => {
    const product = await createProduct(t, seller, { name: '어제 끝난 딜' })
    const deal = await bookDeal(t, seller, product, inSeconds(9 * DAY_S), inSeconds(9 * DAY_S + 60))
    const startOfToday = seoulToday(new Date()).from
    await sql(t, `UPDATE deals SET status = 'ENDED', starts_at = $2, ends_at = $3 WHERE id = $1`, [
      deal.id,
      new Date(startOfToday.getTime() - 2 * HOUR_MS),
      new Date(startOfToday.getTime() + 1000),
    ])
    assert.ok((await listed('?status=ENDED')).includes(deal.id))
    await sql(t, `UPDATE deals SET ends_at = $2 WHERE id = $1`, [
      deal.id,
      new Date(startOfToday.getTime() - 1000),
    ])
    assert.ok(!(await listed('')).includes(deal.id))
  })

  test("a seller lists its own deals in every status; others' are not there", async () => {
    const response = await call('GET', '/seller/deals?limit=100', { as: seller })
    assert.equal(response.statusCode, 200)
    const own = response.json().items as { id: string; status: string }[]
    assert.ok(
      has(
        own.map((d) => d.id),
        'today',
        'hidden',
        'suspended',
      ),
    )
    assert.deepEqual(
      (await call('GET', '/seller/deals?status=HIDDEN', { as: seller }))
        .json()
        .items.map((d: { id: string }) => d.id),
      [ids.hidden],
    )
    assert.deepEqual((await call('GET', '/seller/deals', { as: sellerIdentity() })).json().items, [])
    assert.equal((await call('GET', '/seller/deals', { as: buyer })).statusCode, 403)
  })
})
