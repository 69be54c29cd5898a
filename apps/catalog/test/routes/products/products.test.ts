import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { adminIdentity, buyerIdentity, sellerIdentity } from '@deals/contracts/testing'
import { client, sql, startTestCatalogApp, type TestCatalogApp } from '../../support/test-catalog-app.ts'
import { listProduct } from '../../support/storefront.ts'

describe('products', () => {
  let t: TestCatalogApp
  let call: ReturnType<typeof client>
  before(async () => {
    t = await startTestCatalogApp()
    call = client(t)
  })
  after(() => t.close())

  test('a seller without a store lists a product: its default store is opened and used', async () => {
    const seller = sellerIdentity()
    const product = await listProduct(t, seller, {
      name: '유기농 사과 5kg',
      description: '맛있는 사과',
      price: 25_000,
    })
    const store = (await call('GET', `/stores/${product.storeId}`)).json()
    assert.equal(store.sellerId, seller.sellerId)
    assert.equal(store.isDefault, true)

    const second = await listProduct(t, seller)
    assert.equal(second.storeId, product.storeId, 'the same default store again')
    const stores = await sql(t, 'SELECT id FROM stores WHERE seller_id = $1', [seller.sellerId])
    assert.equal(stores.length, 1)
  })

  test('concurrent first products of one seller share a single default store', async () => {
    const seller = sellerIdentity()
    const products = await Promise.all(Array.from({ length: 8 }, () => listProduct(t, seller)))
    assert.equal(new Set(products.map((p) => p.storeId)).size, 1)
    const stores = await sql(t, 'SELECT id FROM stores WHERE seller_id = $1', [seller.sellerId])
    assert.equal(stores.length, 1)
  })

  test("a product goes to the named store, which must be the seller's own", async () => {
    const seller = sellerIdentity()
    const other = sellerIdentity()
    await call('POST', '/stores', { as: seller, body: { name: '첫 가게' } })
    const second = (await call('POST', '/stores', { as: seller, body: { name: '둘째 가게' } })).json()
    const product = await listProduct(t, seller, { storeId: second.id })
    assert.equal(product.storeId, second.id)

    const foreign = await call('POST', '/products', {
      as: other,
      body: { name: '남의 가게 상품', price: 1000, storeId: second.id },
    })
    assert.equal(foreign.statusCode, 404)
    assert.equal(foreign.json().code, 'STORE_NOT_FOUND')
  })

  test('an unknown category is refused, a known one is kept', async () => {
    const seller = sellerIdentity()
    const unknown = await call('POST', '/products', {
      as: seller,
      body: { name: '상품', price: 1000, categoryId: randomUUID() },
    })
    assert.equal(unknown.statusCode, 422)
    assert.equal(unknown.json().code, 'UNKNOWN_CATEGORY')

    const category = (
      await call('POST', '/categories', { as: adminIdentity(), body: { slug: 'fruit', name: '과일' } })
    ).json()
    const product = (
      await call('POST', '/products', {
        as: seller,
        body: { name: '배', price: 1000, categoryId: category.id },
      })
    ).json()
    assert.equal(product.categoryId, category.id)
  })

  test('only sellers list products; anonymous callers are asked to sign in', async () => {
    const body = { name: '상품', price: 1000 }
    const asBuyer = await call('POST', '/products', { as: buyerIdentity(), body })
    assert.equal(asBuyer.statusCode, 403)
    const asAdmin = await call('POST', '/products', { as: adminIdentity(), body })
    assert.equal(asAdmin.statusCode, 403)
    const anonymous = await call('POST', '/products', { body })
    assert.equal(anonymous.statusCode, 401)
    const { count } = (
      await sql<{ count: string }>(t, 'SELECT count(*) FROM products WHERE name = $1', ['상품'])
    )[0]!
    assert.equal(Number(count), 0)
  })

  test('anyone reads a product; its seller changes it; another seller gets 404 and changes nothing', async () => {
    const seller = sellerIdentity()
    const other = sellerIdentity()
    const product = await listProduct(t, seller, { name: '원래 이름', price: 5000 })

    const read = await call('GET', `/products/${product.id}`)
    assert.equal(read.statusCode, 200)
    assert.equal(read.json().name, '원래 이름')

    const foreign = await call('PATCH', `/products/${product.id}`, { as: other, body: { price: 1 } })
    assert.equal(foreign.statusCode, 404)
    assert.equal(foreign.json().code, 'PRODUCT_NOT_FOUND')
    const foreignDelete = await call('DELETE', `/products/${product.id}`, { as: other })
    assert.equal(foreignDelete.statusCode, 404)

    const changed = await call('PATCH', `/products/${product.id}`, {
      as: seller,
      body: { name: '  새 이름  ', price: 4500, categoryId: null },
    })
    assert.equal(changed.statusCode, 200, changed.body)
    assert.equal(changed.json().name, '새 이름')
    assert.equal(changed.json().price, 4500)
    assert.equal((await call('GET', `/products/${product.id}`)).json().price, 4500)
  })

  test('a deleted product is kept as DELETED, answers 404 and leaves the lists', async () => {
    const seller = sellerIdentity()
    const product = await listProduct(t, seller, { name: '곧 지울 상품' })
    const deleted = await call('DELETE', `/products/${product.id}`, { as: seller })
    assert.equal(deleted.statusCode, 204)

    assert.equal((await call('GET', `/products/${product.id}`)).statusCode, 404)
    const rows = await sql<{ status: string }>(t, 'SELECT status FROM products WHERE id = $1', [product.id])
    assert.equal(rows[0]?.status, 'DELETED')
    const listed = (await call('GET', `/products?storeId=${product.storeId}`)).json()
    assert.ok(!listed.items.some((p: { id: string }) => p.id === product.id))
    assert.equal((await call('DELETE', `/products/${product.id}`, { as: seller })).statusCode, 404)
    assert.equal(
      (await call('PATCH', `/products/${product.id}`, { as: seller, body: { price: 1 } })).statusCode,
      404,
    )
  })

  test('a negative price, an empty name, an oversized description or an unknown field is a 400', async () => {
    const seller = sellerIdentity()
    for (const body of [
      { name: '상품', price: -1 },
      { name: '상품', price: 1.5 },
      { name: '   ', price: 1000 },
      { name: 'x'.repeat(201), price: 1000 },
      { name: '상품', price: 1000, description: 'x'.repeat(5001) },
      { name: '상품\u0000', price: 1000 },
      { name: '상품', price: 1000, sellerId: randomUUID() },
      { name: '상품', price: 1000, storeId: 'not-a-uuid' },
    ]) {
      const res = await call('POST', '/products', { as: seller, body })
      assert.equal(res.statusCode, 400, JSON.stringify(body))
      assert.equal(res.json().code, 'VALIDATION_FAILED')
    }
    const product = await listProduct(t, seller)
    const empty = await call('PATCH', `/products/${product.id}`, { as: seller, body: {} })
    assert.equal(empty.statusCode, 400)
  })

  test("the seller's own products are listed through the ProductCatalog use case, newest first, in pages", async () => {
    const seller = sellerIdentity()
    const made = []
    for (let i = 0; i < 5; i++) made.push(await listProduct(t, seller, { name: `내 상품 ${i}` }))
    await listProduct(t, sellerIdentity())
    const catalog = t.app.storefront.products
    const first = await catalog.listOwn(seller.sellerId!, { limit: 3 })
    const second = await catalog.listOwn(seller.sellerId!, { limit: 3, cursor: first.nextCursor! })
    assert.deepEqual(
      [...first.items, ...second.items].map((p) => p.id),
      made.map((p) => p.id).reverse(),
    )
    assert.equal(second.nextCursor, null)
  })
})
