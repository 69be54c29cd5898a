import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { adminIdentity, buyerIdentity, sellerIdentity } from '@deals/contracts/testing'
import { generateItemRows } from '../../fixtures/item-rows.ts'
import { startSampleItemSource, type SampleItemSource } from '../../fixtures/sample-item-source.ts'
import { client, sql, startTestCatalogApp, type TestCatalogApp } from '../support/test-catalog-app.ts'
import { expectedImport, sampleRows, waitFor } from '../support/sample-items.ts'

const admin = adminIdentity()

describe('item master import', () => {
  let t: TestCatalogApp
  const sources: SampleItemSource[] = []
  const source = async (options: Parameters<typeof startSampleItemSource>[0]) => {
    const started = await startSampleItemSource(options)
    sources.push(started)
    return started
  }

  const requestImport = async (sourceUrl: string, pageSize: number) => {
    const response = await client(t)('POST', '/admin/item-imports', {
      as: admin,
      body: { sourceUrl, pageSize },
    })
    assert.equal(response.statusCode, 202, response.body)
    return response.json().id as string
  }
  const readImport = async (id: string) =>
    (await client(t)('GET', `/admin/item-imports/${id}`, { as: admin })).json()
  const finished = (id: string) =>
    waitFor(
      () => readImport(id),
      (view) => view.status === 'COMPLETED' || view.status === 'FAILED',
      60_000,
    )

  const countItems = async (nameLike?: string) =>
    (
      await sql<{ count: number }>(
        t,
        `SELECT count(*)::int AS count FROM items ${nameLike ? 'WHERE name LIKE $1' : ''}`,
        nameLike ? [`%${nameLike}%`] : [],
      )
    )[0]!.count

  before(async () => {
    t = await startTestCatalogApp({ ITEM_IMPORT_CONCURRENCY: '3' })
  })
  after(async () => {
    await Promise.all(sources.map((s) => s.close()))
    await t.close()
  })

  test('importing the sample counts every row once: inserted, duplicate or invalid', async () => {
    const expected = expectedImport(sampleRows)
    const { url } = await source({ rows: sampleRows })
    const id = await requestImport(url, 25)
    const view = await finished(id)

    assert.equal(view.status, 'COMPLETED', view.failureReason)
    assert.equal(view.totalRows, sampleRows.length)
    assert.equal(view.totalPages, Math.ceil(sampleRows.length / 25))
    assert.equal(view.pagesDone, view.totalPages)
    assert.equal(view.percent, 100)
    assert.equal(view.rowsSeen, expected.rowsSeen)
    assert.equal(view.invalid, expected.invalid)
    assert.equal(view.inserted, expected.distinct)
    assert.equal(view.updated, 0)
    assert.equal(view.duplicate, expected.duplicate)
    assert.ok(expected.invalid > 5 && expected.duplicate > 5, 'the sample has both kinds of bad rows')
    assert.equal(view.invalidSample.length, Math.min(50, expected.invalid))
    for (const sample of view.invalidSample) assert.match(sample.reason, /\w/)
    assert.ok(view.startedAt && view.finishedAt)

    const count = await countItems()
    assert.equal(count, expected.distinct)
    // The later of two rows with one code wins, and text is tidied.
    const rows = await sql<{ source_code: string; name: string; price: number | null }>(
      t,
      'SELECT source_code, name, price FROM items',
    )
    for (const row of rows) {
      const last = expected.lastByCode.get(row.source_code)!
      assert.equal(row.name, String(last.itemName).replace(/\s+/g, ' ').trim())
      const price = String(last.price ?? '').replaceAll(',', '')
      assert.equal(row.price, price === '' ? null : Number(price))
    }
  })

  test('running the same import again updates the items instead of adding them', async () => {
    const expected = expectedImport(sampleRows)
    const { url } = await source({ rows: sampleRows })
    const view = await finished(await requestImport(url, 100))
    assert.equal(view.status, 'COMPLETED')
    assert.equal(view.inserted, 0)
    assert.equal(view.updated, expected.distinct)
    assert.equal(view.duplicate, expected.duplicate)
    assert.equal(view.invalid, expected.invalid)
    const count = await countItems()
    assert.equal(count, expected.distinct)
  })

  test('progress is visible while an import runs', async () => {
    const rows = generateItemRows(200, { seed: 7 })
    const src = await source({ rows })
    const release = src.hold(5)
    const id = await requestImport(src.url, 20)
    const midway = await waitFor(
      () => readImport(id),
      (view) => view.pagesDone === 4,
    )
    assert.equal(midway.status, 'RUNNING')
    assert.equal(midway.totalPages, 10)
    assert.equal(midway.percent, 40)
    assert.equal(midway.rowsSeen, 80)
    assert.equal(midway.finishedAt, null)
    release()
    const done = await finished(id)
    assert.equal(done.status, 'COMPLETED')
    assert.equal(done.rowsSeen, 200)

    const list = await client(t)('GET', '/admin/item-imports?limit=2', { as: admin })
    assert.equal(list.statusCode, 200)
    assert.equal(list.json().items[0].id, id, 'newest first')
    assert.ok(list.json().nextCursor)
  })

  test('a page that fails twice and then answers does not stop the import', async () => {
    const rows = generateItemRows(90, { seed: 11, invalidRate: 0, duplicateRate: 0 })
    const src = await source({ rows, failPages: { 2: 2 } })
    const view = await finished(await requestImport(src.url, 30))
    assert.equal(view.status, 'COMPLETED', view.failureReason)
    assert.equal(view.rowsSeen, 90)
    assert.equal(src.requests.get(2), 3)
  })

  test('a page that keeps failing fails the import and says which page', async () => {
    const rows = generateItemRows(90, { seed: 12 })
    const src = await source({ rows, failPages: { 3: Infinity } })
    const view = await finished(await requestImport(src.url, 30))
    assert.equal(view.status, 'FAILED')
    assert.match(view.failureReason, /^page 3 failed after 3 attempts: the source answered HTTP 500/)
    assert.equal(view.pagesDone, 2, 'pages before it stay imported')
    assert.ok(view.finishedAt)
  })

  test('an import cut off by a restart resumes where it stopped and ends with the right totals', async () => {
    const rows = generateItemRows(600, { seed: 13, duplicateRate: 0.1, invalidRate: 0.05 })
    const expected = expectedImport(rows)
    const src = await source({ rows })
    const release = src.hold(4)
    const id = await requestImport(src.url, 50)
    await waitFor(
      () => readImport(id),
      (view) => view.pagesDone === 3,
    )
    // The service stops mid-run: the job hands its import back and a new process takes it up.
    const restarting = t.restart()
    release()
    await restarting
    const view = await finished(id)
    assert.equal(view.status, 'COMPLETED', view.failureReason)
    assert.equal(view.rowsSeen, expected.rowsSeen)
    assert.equal(view.invalid, expected.invalid)
    assert.equal(view.duplicate, expected.duplicate)
    assert.equal(view.inserted + view.updated, expected.distinct)
    assert.ok((src.requests.get(1) ?? 0) === 1, 'pages already done are not fetched again')
  })

  test('the item master is searched by part of a Korean name', async () => {
    const search = await client(t)('GET', `/items?q=${encodeURIComponent('삼겹')}&limit=100`)
    assert.equal(search.statusCode, 200, search.body)
    const found = search.json().items as { id: string; name: string }[]
    const count = await countItems('삼겹')
    assert.ok(count > 0)
    assert.equal(found.length, Math.min(count, 100))
    for (const item of found) assert.match(item.name, /삼겹/)
    const names = found.map((item) => item.name)
    assert.deepEqual(
      names,
      [...names].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)),
    )

    const one = await client(t)('GET', `/items/${found[0]!.id}`)
    assert.equal(one.statusCode, 200)
    assert.equal(one.json().name, found[0]!.name)

    const literal = await client(t)('GET', `/items?q=${encodeURIComponent('%')}`)
    assert.deepEqual(literal.json().items, [], 'a % in the query is a character, not a wildcard')
  })

  test('item search pages through every match once', async () => {
    const seen = new Set<string>()
    let cursor: string | null = null
    do {
      const response = await client(t)(
        'GET',
        `/items?q=${encodeURIComponent('국산')}&limit=15${cursor ? `&cursor=${cursor}` : ''}`,
      )
      assert.equal(response.statusCode, 200)
      for (const item of response.json().items) seen.add(item.id)
      cursor = response.json().nextCursor
    } while (cursor)
    const count = await countItems('국산')
    assert.equal(seen.size, count)
  })

  test('only an admin starts or reads imports', async () => {
    for (const as of [buyerIdentity(), sellerIdentity()]) {
      const post = await client(t)('POST', '/admin/item-imports', {
        as,
        body: { sourceUrl: 'http://127.0.0.1:1/' },
      })
      assert.equal(post.statusCode, 403)
      assert.equal((await client(t)('GET', '/admin/item-imports', { as })).statusCode, 403)
    }
  })

  test('bad input is a 4xx problem, never a 500', async () => {
    const cases: [string, string, unknown?][] = [
      ['POST', '/admin/item-imports', {}],
      ['POST', '/admin/item-imports', { sourceUrl: 'not a url' }],
      ['POST', '/admin/item-imports', { sourceUrl: 'ftp://example.com/items' }],
      ['POST', '/admin/item-imports', { sourceUrl: 'http://127.0.0.1/', pageSize: 1001 }],
      ['POST', '/admin/item-imports', { sourceUrl: 'http://127.0.0.1/', pageSize: 0 }],
      ['POST', '/admin/item-imports', { sourceUrl: 'http://127.0.0.1/', pageSize: 1.5 }],
      ['POST', '/admin/item-imports', { sourceUrl: 'http://127.0.0.1/', extra: true }],
      ['GET', '/admin/item-imports/nope'],
      ['GET', '/admin/item-imports?limit=0'],
      ['GET', '/admin/item-imports?cursor=%%%'],
      ['GET', '/items/nope'],
      ['GET', `/items?q=${'가'.repeat(51)}`],
      ['GET', '/items?cursor=bad'],
    ]
    for (const [method, url, body] of cases) {
      const response = await client(t)(method as 'GET', url, { as: admin, body })
      assert.ok(
        response.statusCode >= 400 && response.statusCode < 500,
        `${method} ${url} → ${response.statusCode}`,
      )
      assert.equal(response.headers['content-type'], 'application/problem+json; charset=utf-8')
    }
    const missing = await client(t)('GET', '/admin/item-imports/0193a8f0-0000-7000-8000-000000000000', {
      as: admin,
    })
    assert.equal(missing.json().code, 'ITEM_IMPORT_NOT_FOUND')
    const noItem = await client(t)('GET', '/items/0193a8f0-0000-7000-8000-000000000000')
    assert.equal(noItem.json().code, 'ITEM_NOT_FOUND')
  })
})
