import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { adminIdentity, sellerIdentity } from '@deals/contracts/testing'
import { client, startTestCatalogApp, type TestCatalogApp } from '../../support/test-catalog-app.ts'

describe('categories', () => {
  let t: TestCatalogApp
  let call: ReturnType<typeof client>
  const admin = adminIdentity()
  before(async () => {
    t = await startTestCatalogApp()
    call = client(t)
  })
  after(() => t.close())

  const create = (body: object) => call('POST', '/categories', { as: admin, body })

  test('admins build the tree; anyone lists it flat with parent ids, in display order', async () => {
    const food = (await create({ slug: 'food', name: '식품', sortOrder: 2 })).json()
    const living = (await create({ slug: 'living', name: '생활', sortOrder: 1 })).json()
    const fruit = await create({ slug: 'fruit', name: '과일', parentId: food.id })
    assert.equal(fruit.statusCode, 201)
    assert.equal(fruit.json().parentId, food.id)

    const listed = (await call('GET', '/categories')).json().items as {
      slug: string
      parentId: string | null
    }[]
    assert.deepEqual(
      listed.map((c) => c.slug),
      ['fruit', 'living', 'food'],
    )
    assert.equal(listed.find((c) => c.slug === 'living')!.parentId, null)
    assert.ok(living.id)
  })

  test('a slug already used is 409; an unknown parent is 422', async () => {
    await create({ slug: 'taken', name: '하나' })
    const again = await create({ slug: 'taken', name: '둘' })
    assert.equal(again.statusCode, 409)
    assert.equal(again.json().code, 'CATEGORY_SLUG_TAKEN')
    const orphan = await create({ slug: 'orphan', name: '고아', parentId: randomUUID() })
    assert.equal(orphan.statusCode, 422)
    assert.equal(orphan.json().code, 'PARENT_CATEGORY_NOT_FOUND')
  })

  test('only admins add or change categories', async () => {
    const seller = await call('POST', '/categories', { as: sellerIdentity(), body: { slug: 'x', name: 'x' } })
    assert.equal(seller.statusCode, 403)
    const anonymous = await call('POST', '/categories', { body: { slug: 'x', name: 'x' } })
    assert.equal(anonymous.statusCode, 401)
    const some = (await create({ slug: 'mine', name: '내 것' })).json()
    const patch = await call('PATCH', `/categories/${some.id}`, { as: sellerIdentity(), body: { name: 'y' } })
    assert.equal(patch.statusCode, 403)
  })

  test('a category is renamed and moved, but never under itself or a descendant', async () => {
    const a = (await create({ slug: 'a', name: 'A' })).json()
    const b = (await create({ slug: 'b', name: 'B', parentId: a.id })).json()
    const c = (await create({ slug: 'c', name: 'C', parentId: b.id })).json()

    const renamed = await call('PATCH', `/categories/${b.id}`, {
      as: admin,
      body: { name: 'B2', slug: 'b2' },
    })
    assert.equal(renamed.statusCode, 200)
    assert.equal(renamed.json().slug, 'b2')

    for (const parentId of [a.id, c.id]) {
      const cycle = await call('PATCH', `/categories/${a.id}`, { as: admin, body: { parentId } })
      assert.equal(cycle.statusCode, 409)
      assert.equal(cycle.json().code, 'CATEGORY_CYCLE')
    }
    const toTop = await call('PATCH', `/categories/${c.id}`, { as: admin, body: { parentId: null } })
    assert.equal(toTop.json().parentId, null)
    const taken = await call('PATCH', `/categories/${c.id}`, { as: admin, body: { slug: 'a' } })
    assert.equal(taken.statusCode, 409)
    const missing = await call('PATCH', `/categories/${randomUUID()}`, { as: admin, body: { name: 'x' } })
    assert.equal(missing.statusCode, 404)
  })

  test('bad slugs and names are 400', async () => {
    for (const body of [
      { slug: 'Upper', name: 'x' },
      { slug: 'two--hyphens', name: 'x' },
      { slug: 'ok', name: '' },
      { slug: 'ok', name: 'x'.repeat(61) },
      { slug: 'ok', name: 'x', sortOrder: 1.5 },
      { slug: 'ok', name: 'x', extra: true },
    ]) {
      const res = await create(body)
      assert.equal(res.statusCode, 400, JSON.stringify(body))
    }
  })
})
