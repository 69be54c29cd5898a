import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { adminIdentity, buyerIdentity, sellerIdentity } from '@deals/contracts/testing'
import pg from 'pg'
import { client, startTestCatalogApp, type TestCatalogApp } from '../../support/test-catalog-app.ts'
import { listProduct } from '../../support/storefront.ts'

interface Listed {
  id: string
  name: string
  price: number
  likeCount: number
}

describe('product search', () => {
  let t: TestCatalogApp
  let call: ReturnType<typeof client>
  const seller = sellerIdentity()
  let storeId: string

  /** Every page of a listing, following `nextCursor` until it ends. */
  async function allPages(query: string, limit: number): Promise<Listed[]> {
    const seen: Listed[] = []
    let cursor: string | null = null
    do {
      const url: string = `/products?${query}&limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`
      const res = await call('GET', url)
      assert.equal(res.statusCode, 200, res.body)
      const page = res.json() as { items: Listed[]; nextCursor: string | null }
      assert.ok(page.items.length <= limit)
      seen.push(...page.items)
      cursor = page.nextCursor
    } while (cursor)
    return seen
  }

  const names = async (query: string) => (await allPages(query, 100)).map((p) => p.name)

  before(async () => {
    t = await startTestCatalogApp()
    call = client(t)
    const apple = await listProduct(t, seller, { name: '유기농 사과 5kg', price: 25_000 })
    storeId = apple.storeId
    for (const [name, price] of [
      ['사과', 9_000],
      ['사과즙 30포', 19_000],
      ['청송 꿀사과 3kg', 21_000],
      ['유기농 바나나', 7_000],
      ['100% 착즙 주스', 5_000],
      ['1000 착즙 주스', 5_000],
      ['under_score 세제', 3_000],
      ['underXscore 세제', 3_000],
      ['Organic APPLE juice', 8_000],
    ] as const)
      await listProduct(t, seller, { name, price })
  })
  after(() => t.close())

  test('a Korean part of a name finds the product, whether one, two or more characters long', async () => {
    assert.ok((await names('q=사과')).includes('유기농 사과 5kg'))
    assert.deepEqual(await names(`q=${encodeURIComponent('유기농 사')}`), ['유기농 사과 5kg'])
    assert.deepEqual((await names('q=꿀')).sort(), ['청송 꿀사과 3kg'])
    assert.equal((await names('q=사')).length, 4)
    assert.deepEqual(await names('q=없는상품'), [])
  })

  test('matching ignores case', async () => {
    assert.deepEqual(await names('q=apple'), ['Organic APPLE juice'])
  })

  test('% and _ in the search text are taken literally', async () => {
    assert.deepEqual(await names(`q=${encodeURIComponent('100%')}`), ['100% 착즙 주스'])
    assert.deepEqual(await names('q=under_score'), ['under_score 세제'])
  })

  test('relevance puts the exact name first, then names that start with the text', async () => {
    const found = await names('q=사과')
    assert.deepEqual(found.slice(0, 2), ['사과', '사과즙 30포'])
    assert.deepEqual(found.slice(2).sort(), ['유기농 사과 5kg', '청송 꿀사과 3kg'].sort())
  })

  test('every sort pages through all products without duplicates or gaps', async () => {
    for (let i = 0; i < 12; i++)
      await listProduct(t, seller, { name: `페이지 상품 ${i}`, price: 1000 * (i % 4) })
    const all = await allPages('sort=newest', 100)
    for (const sort of ['newest', 'price_asc', 'price_desc', 'popular', 'relevance']) {
      for (const limit of [1, 3, 7]) {
        const paged = await allPages(`sort=${sort}`, limit)
        const ids = paged.map((p) => p.id)
        assert.equal(new Set(ids).size, ids.length, `${sort}/${limit}: no duplicates`)
        assert.deepEqual([...ids].sort(), all.map((p) => p.id).sort(), `${sort}/${limit}: no gaps`)
      }
    }
    const ascending = (await allPages('sort=price_asc', 4)).map((p) => p.price)
    assert.deepEqual(
      ascending,
      [...ascending].sort((a, b) => a - b),
    )
    const descending = (await allPages('sort=price_desc', 4)).map((p) => p.price)
    assert.deepEqual(
      descending,
      [...descending].sort((a, b) => b - a),
    )
    const relevant = await allPages(`q=${encodeURIComponent('페이지 상품')}`, 5)
    assert.equal(relevant.length, 12)
  })

  test('popular orders by likes', async () => {
    const liked = await listProduct(t, seller, { name: '인기 상품' })
    for (let i = 0; i < 3; i++) await call('POST', `/products/${liked.id}/like`, { as: buyerIdentity() })
    const [first] = await allPages('sort=popular', 1)
    assert.equal(first!.id, liked.id)
    assert.equal(first!.likeCount, 3)
  })

  test('category (by id or slug) includes its subcategories; storeId narrows to one store', async () => {
    const admin = adminIdentity()
    const food = (
      await call('POST', '/categories', { as: admin, body: { slug: 'food', name: '식품' } })
    ).json()
    const fruit = (
      await call('POST', '/categories', {
        as: admin,
        body: { slug: 'fruit', name: '과일', parentId: food.id },
      })
    ).json()
    await listProduct(t, seller, { name: '카테고리 배', categoryId: fruit.id })
    await listProduct(t, seller, { name: '카테고리 쌀', categoryId: food.id })
    assert.deepEqual((await names('category=food')).sort(), ['카테고리 배', '카테고리 쌀'])
    assert.deepEqual(await names(`category=${fruit.id}`), ['카테고리 배'])
    assert.deepEqual(await names('category=no-such-slug'), [])

    const elsewhere = await listProduct(t, sellerIdentity(), { name: '다른 가게 사과' })
    assert.ok(!(await names(`storeId=${storeId}&q=사과`)).includes(elsewhere.name))
    assert.ok((await names('q=사과')).includes(elsewhere.name))
  })

  test('a bad cursor, or one from another sort, is a 400 INVALID_CURSOR', async () => {
    const page = (await call('GET', '/products?sort=price_asc&limit=1')).json()
    const other = await call('GET', `/products?sort=newest&cursor=${page.nextCursor}`)
    assert.equal(other.statusCode, 400)
    assert.equal(other.json().code, 'INVALID_CURSOR')
    const forged = Buffer.from(JSON.stringify({ s: 'price_asc', id: 'x', v: -1 })).toString('base64url')
    for (const cursor of ['%%%', 'bm90IGpzb24', forged]) {
      const res = await call('GET', `/products?sort=price_asc&cursor=${cursor}`)
      assert.equal(res.statusCode, 400, cursor)
    }
  })

  test('the trigram index can serve the name search for three characters or more', async () => {
    const db = new pg.Client({ connectionString: t.database.url })
    await db.connect()
    try {
      // The table is tiny, so the planner prefers a scan; forbidding it shows the index applies.
      await db.query('SET enable_seqscan = off')
      const plan = await db.query<{ 'QUERY PLAN': string }>(
        `EXPLAIN SELECT id FROM products WHERE name ILIKE $1 AND status = 'ACTIVE'`,
        ['%유기농%'],
      )
      assert.match(plan.rows.map((r) => r['QUERY PLAN']).join('\n'), /products_name_trgm_idx/)
    } finally {
      await db.end()
    }
  })
})
