import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { buyerIdentity, sellerIdentity } from '@deals/contracts/testing'
import { client, sql, startTestCatalogApp, type TestCatalogApp } from '../../support/test-catalog-app.ts'
import { outboxEvents } from '../../support/storefront.ts'

describe('stores and follows', () => {
  let t: TestCatalogApp
  let call: ReturnType<typeof client>
  before(async () => {
    t = await startTestCatalogApp()
    call = client(t)
  })
  after(() => t.close())

  async function openStore(seller = sellerIdentity(), name = '동네 과일가게') {
    const res = await call('POST', '/stores', { as: seller, body: { name, description: '제철 과일' } })
    assert.equal(res.statusCode, 201, res.body)
    return res.json() as { id: string; isDefault: boolean; followerCount: number; sellerId: string }
  }

  test("a seller's first store is its default store, later ones are not", async () => {
    const seller = sellerIdentity()
    const first = await openStore(seller, '첫 가게')
    const second = await openStore(seller, '둘째 가게')
    assert.equal(first.sellerId, seller.sellerId)
    assert.equal(first.isDefault, true)
    assert.equal(second.isDefault, false)
  })

  test('concurrent first stores of one seller still give exactly one default store', async () => {
    const seller = sellerIdentity()
    const stores = await Promise.all(Array.from({ length: 6 }, (_, i) => openStore(seller, `가게 ${i}`)))
    assert.equal(stores.filter((s) => s.isDefault).length, 1)
    const rows = await sql(t, 'SELECT 1 FROM stores WHERE seller_id = $1 AND is_default', [seller.sellerId])
    assert.equal(rows.length, 1)
  })

  test('only sellers open stores', async () => {
    assert.equal(
      (await call('POST', '/stores', { as: buyerIdentity(), body: { name: '가게' } })).statusCode,
      403,
    )
    assert.equal((await call('POST', '/stores', { body: { name: '가게' } })).statusCode, 401)
  })

  test('stores are found by a Korean part of their name, a page at a time', async () => {
    const seller = sellerIdentity()
    for (const name of ['서울 반찬가게', '부산 반찬가게', '대구 반찬 가게', '반찬', '빵집'])
      await openStore(seller, name)
    const seen: string[] = []
    let cursor: string | null = null
    do {
      const query: string = `q=${encodeURIComponent('반찬')}&limit=2${cursor ? `&cursor=${cursor}` : ''}`
      const page = (await call('GET', `/stores?${query}`)).json()
      seen.push(...page.items.map((s: { name: string }) => s.name))
      cursor = page.nextCursor
    } while (cursor)
    assert.deepEqual(seen, ['반찬', '대구 반찬 가게', '부산 반찬가게', '서울 반찬가게'])
    const single = (await call('GET', `/stores?q=${encodeURIComponent('빵')}`)).json()
    assert.deepEqual(
      single.items.map((s: { name: string }) => s.name),
      ['빵집'],
    )
  })

  test('anyone reads a store; only its seller changes it', async () => {
    const seller = sellerIdentity()
    const store = await openStore(seller)
    assert.equal((await call('GET', `/stores/${store.id}`)).json().name, '동네 과일가게')
    assert.equal((await call('GET', `/stores/${randomUUID()}`)).statusCode, 404)

    const foreign = await call('PATCH', `/stores/${store.id}`, {
      as: sellerIdentity(),
      body: { name: '뺏은 가게' },
    })
    assert.equal(foreign.statusCode, 404)
    assert.equal(foreign.json().code, 'STORE_NOT_FOUND')
    const asBuyer = await call('PATCH', `/stores/${store.id}`, {
      as: buyerIdentity(),
      body: { name: '가게' },
    })
    assert.equal(asBuyer.statusCode, 403)

    const renamed = await call('PATCH', `/stores/${store.id}`, { as: seller, body: { name: '새 이름' } })
    assert.equal(renamed.statusCode, 200)
    assert.equal(renamed.json().name, '새 이름')
    assert.equal(renamed.json().description, '제철 과일')
  })

  test('following twice is one follow and one event; unfollowing twice is one unfollow and one event', async () => {
    const store = await openStore()
    const buyer = buyerIdentity()
    const followed = await call('POST', `/stores/${store.id}/follow`, { as: buyer })
    assert.deepEqual(followed.json(), { storeId: store.id, following: true, followerCount: 1 })
    await call('POST', `/stores/${store.id}/follow`, { as: buyer })
    assert.equal((await call('GET', `/stores/${store.id}`)).json().followerCount, 1)

    await call('DELETE', `/stores/${store.id}/follow`, { as: buyer })
    const again = await call('DELETE', `/stores/${store.id}/follow`, { as: buyer })
    assert.deepEqual(again.json(), { storeId: store.id, following: false, followerCount: 0 })

    const follows = await outboxEvents(t, 'store.followed.v1', 'storeId', store.id)
    const unfollows = await outboxEvents(t, 'store.unfollowed.v1', 'storeId', store.id)
    assert.deepEqual(
      follows.map((e) => e.payload),
      [{ userId: buyer.userId, storeId: store.id }],
    )
    assert.deepEqual(
      unfollows.map((e) => e.payload),
      [{ userId: buyer.userId, storeId: store.id }],
    )
  })

  test('concurrent follows keep the follower count equal to the follow rows', async () => {
    const store = await openStore()
    const buyers = Array.from({ length: 15 }, () => buyerIdentity())
    const responses = await Promise.all(
      [...buyers, ...buyers].map((buyer) => call('POST', `/stores/${store.id}/follow`, { as: buyer })),
    )
    assert.deepEqual(new Set(responses.map((r) => r.statusCode)), new Set([200]))
    const [row] = await sql<{ follower_count: number; follows: string }>(
      t,
      `SELECT follower_count, (SELECT count(*) FROM store_follows WHERE store_id = s.id) AS follows
       FROM stores s WHERE id = $1`,
      [store.id],
    )
    assert.equal(row!.follower_count, 15)
    assert.equal(Number(row!.follows), 15)
    assert.equal((await outboxEvents(t, 'store.followed.v1', 'storeId', store.id)).length, 15)
  })

  test('following an unknown store is 404; anonymous callers cannot follow', async () => {
    const unknown = await call('POST', `/stores/${randomUUID()}/follow`, { as: buyerIdentity() })
    assert.equal(unknown.statusCode, 404)
    const store = await openStore()
    assert.equal((await call('POST', `/stores/${store.id}/follow`)).statusCode, 401)
  })

  test('my followed stores, most recently followed first, in pages', async () => {
    const buyer = buyerIdentity()
    const stores = []
    for (let i = 0; i < 5; i++) stores.push(await openStore(undefined, `팔로우 가게 ${i}`))
    for (const store of stores) await call('POST', `/stores/${store.id}/follow`, { as: buyer })
    await call('DELETE', `/stores/${stores[1]!.id}/follow`, { as: buyer })
    const first = (await call('GET', '/me/following?limit=3', { as: buyer })).json()
    const second = (
      await call('GET', `/me/following?limit=3&cursor=${first.nextCursor}`, { as: buyer })
    ).json()
    assert.deepEqual(
      [...first.items, ...second.items].map((s: { id: string }) => s.id),
      [stores[4], stores[3], stores[2], stores[0]].map((s) => s!.id),
    )
    assert.equal(second.nextCursor, null)
    assert.ok(first.items[0].followedAt)
  })
})
