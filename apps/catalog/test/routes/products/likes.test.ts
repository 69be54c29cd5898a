import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { buyerIdentity, sellerIdentity } from '@deals/contracts/testing'
import { client, sql, startTestCatalogApp, type TestCatalogApp } from '../../support/test-catalog-app.ts'
import { listProduct, outboxEvents } from '../../support/storefront.ts'

describe('likes and the wishlist', () => {
  let t: TestCatalogApp
  let call: ReturnType<typeof client>
  const seller = sellerIdentity()
  before(async () => {
    t = await startTestCatalogApp()
    call = client(t)
  })
  after(() => t.close())

  test('liking twice is one like and one event; unliking twice is one unlike and one event', async () => {
    const buyer = buyerIdentity()
    const product = await listProduct(t, seller)
    const first = await call('POST', `/products/${product.id}/like`, { as: buyer })
    assert.equal(first.statusCode, 200)
    assert.deepEqual(first.json(), { productId: product.id, liked: true, likeCount: 1 })
    const again = await call('POST', `/products/${product.id}/like`, { as: buyer })
    assert.deepEqual(again.json(), { productId: product.id, liked: true, likeCount: 1 })

    const liked = await outboxEvents(t, 'product.liked.v1', 'productId', product.id)
    assert.deepEqual(
      liked.map((e) => e.payload),
      [{ userId: buyer.userId, productId: product.id }],
    )

    const unliked = await call('DELETE', `/products/${product.id}/like`, { as: buyer })
    assert.deepEqual(unliked.json(), { productId: product.id, liked: false, likeCount: 0 })
    const unlikedAgain = await call('DELETE', `/products/${product.id}/like`, { as: buyer })
    assert.deepEqual(unlikedAgain.json(), { productId: product.id, liked: false, likeCount: 0 })
    assert.equal((await outboxEvents(t, 'product.unliked.v1', 'productId', product.id)).length, 1)
  })

  test('50 parallel likes by 25 buyers, twice each, leave 25 likes and a count of 25', async () => {
    const product = await listProduct(t, seller)
    const buyers = Array.from({ length: 25 }, () => buyerIdentity())
    const responses = await Promise.all(
      [...buyers, ...buyers].map((buyer) => call('POST', `/products/${product.id}/like`, { as: buyer })),
    )
    assert.deepEqual(new Set(responses.map((r) => r.statusCode)), new Set([200]))
    const [row] = await sql<{ like_count: number; likes: string; events: string }>(
      t,
      `SELECT p.like_count,
              (SELECT count(*) FROM product_likes WHERE product_id = p.id) AS likes,
              (SELECT count(*) FROM outbox_messages
                WHERE event_name = 'product.liked.v1' AND payload->>'productId' = p.id::text) AS events
       FROM products p WHERE p.id = $1`,
      [product.id],
    )
    assert.equal(row!.like_count, 25)
    assert.equal(Number(row!.likes), 25)
    assert.equal(Number(row!.events), 25)

    await Promise.all(
      [...buyers, ...buyers].map((buyer) => call('DELETE', `/products/${product.id}/like`, { as: buyer })),
    )
    const [after] = await sql<{ like_count: number }>(t, 'SELECT like_count FROM products WHERE id = $1', [
      product.id,
    ])
    assert.equal(after!.like_count, 0)
  })

  test('anonymous callers cannot like; an unknown or deleted product is 404', async () => {
    const product = await listProduct(t, seller)
    const anonymous = await call('POST', `/products/${product.id}/like`)
    assert.equal(anonymous.statusCode, 401)
    assert.equal((await call('DELETE', `/products/${product.id}/like`)).statusCode, 401)
    assert.equal((await call('GET', '/me/wishlist')).statusCode, 401)

    const unknown = await call('POST', `/products/${randomUUID()}/like`, { as: buyerIdentity() })
    assert.equal(unknown.statusCode, 404)
    assert.equal(unknown.json().code, 'PRODUCT_NOT_FOUND')

    await call('DELETE', `/products/${product.id}`, { as: seller })
    assert.equal(
      (await call('POST', `/products/${product.id}/like`, { as: buyerIdentity() })).statusCode,
      404,
    )
  })

  test('the wishlist shows liked products, most recently liked first, in pages, without deleted ones', async () => {
    const buyer = buyerIdentity()
    const products = []
    for (let i = 0; i < 7; i++) products.push(await listProduct(t, seller, { name: `찜 상품 ${i}` }))
    for (const product of products) await call('POST', `/products/${product.id}/like`, { as: buyer })
    await call('POST', `/products/${products[0]!.id}/like`, { as: buyerIdentity() })
    await call('DELETE', `/products/${products[3]!.id}`, { as: seller })

    const seen: string[] = []
    let cursor: string | null = null
    do {
      const query: string = cursor ? `?limit=2&cursor=${cursor}` : '?limit=2'
      const page = await call('GET', `/me/wishlist${query}`, { as: buyer })
      assert.equal(page.statusCode, 200, page.body)
      const body = page.json() as { items: { id: string; likedAt: string }[]; nextCursor: string | null }
      seen.push(...body.items.map((p) => p.id))
      cursor = body.nextCursor
    } while (cursor)
    const expected = products
      .filter((_, i) => i !== 3)
      .map((p) => p.id)
      .reverse()
    assert.deepEqual(seen, expected)

    const others = await call('GET', '/me/wishlist', { as: buyerIdentity() })
    assert.deepEqual(others.json(), { items: [], nextCursor: null })
  })

  test('a cursor that is not one of ours is a 400 INVALID_CURSOR', async () => {
    for (const cursor of ['nonsense', Buffer.from('{"at":"yesterday"}').toString('base64url')]) {
      const res = await call('GET', `/me/wishlist?cursor=${cursor}`, { as: buyerIdentity() })
      assert.equal(res.statusCode, 400)
      assert.equal(res.json().code, 'INVALID_CURSOR')
    }
  })
})
