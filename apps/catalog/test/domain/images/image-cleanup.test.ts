import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { sellerIdentity } from '@deals/contracts/testing'
import { cleanUpImageVersions } from '../../../src/domain/images/image-cleanup.ts'
import type { ObjectStore } from '../../../src/object-store/object-store.ts'
import { client, sql, startTestCatalogApp, type TestCatalogApp } from '../../support/test-catalog-app.ts'
import { pngImage } from '../../support/image-fixtures.ts'
import { insertProduct, storedKeys, versionRows } from '../../support/image-products.ts'

const DAY = 24 * 3600

describe('image clean-up', () => {
  let t: TestCatalogApp
  let call: ReturnType<typeof client>
  const seller = sellerIdentity()

  before(async () => {
    t = await startTestCatalogApp()
    call = client(t)
  })
  after(() => t.close())

  const upload = async (productId: string, imageId?: string) => {
    const response = await call(
      imageId ? 'PUT' : 'POST',
      `/products/${productId}/images${imageId ? `/${imageId}` : ''}`,
      {
        body: pngImage(),
        as: seller,
        headers: { 'content-type': 'image/png' },
      },
    )
    assert.ok([200, 201].includes(response.statusCode), response.body)
    return response.json() as { id: string; url: string; version: number }
  }
  const keyOf = (url: string) => url.split('/images/')[1]!
  const served = async (url: string) => (await call('GET', `/images/${keyOf(url)}`)).statusCode
  /** Moves every timestamp of the product's images `seconds` into the past. */
  const age = async (productId: string, seconds: number) => {
    await sql(
      t,
      `UPDATE image_versions v SET created_at = v.created_at - $2 * interval '1 second'
       FROM product_images i WHERE i.id = v.image_id AND i.product_id = $1`,
      [productId, seconds],
    )
    await sql(
      t,
      `UPDATE product_images SET deleted_at = deleted_at - $2 * interval '1 second' WHERE product_id = $1`,
      [productId, seconds],
    )
  }
  const cleanUp = (store: ObjectStore = t.app.catalogObjectStore, batchSize = 2) =>
    cleanUpImageVersions(t.app.catalogDb, store, { graceSeconds: DAY, batchSize })

  test('removes versions retired longer ago than the grace period, bytes and rows, and keeps current ones', async () => {
    const productId = await insertProduct(t, seller.sellerId!)
    const v1 = await upload(productId)
    const v2 = await upload(productId, v1.id)
    const v3 = await upload(productId, v1.id)
    const deletedSlot = await upload(productId)
    await call('DELETE', `/products/${productId}/images/${deletedSlot.id}`, { as: seller })
    const untouched = await upload(productId)

    assert.deepEqual(
      await cleanUp(),
      { versionsDeleted: 0, slotsDeleted: 0, failures: 0 },
      'all within grace',
    )
    assert.equal(await served(v1.url), 200)

    await age(productId, 2 * DAY)
    const result = await cleanUp()
    assert.deepEqual(result, { versionsDeleted: 3, slotsDeleted: 1, failures: 0 })

    const left = await versionRows(t, productId)
    assert.deepEqual(left.map((v) => v.storage_key).sort(), [keyOf(v3.url), keyOf(untouched.url)].sort())
    assert.ok(left.every((v) => v.current))
    assert.deepEqual(await storedKeys(t, `products/${productId}`), left.map((v) => v.storage_key).sort())
    for (const gone of [v1, v2, deletedSlot]) assert.equal(await served(gone.url), 404)
    for (const kept of [v3, untouched]) assert.equal(await served(kept.url), 200)
    const slots = await sql(t, `SELECT id FROM product_images WHERE product_id = $1`, [productId])
    assert.equal(slots.length, 2, 'the deleted slot with no version left is gone')

    assert.deepEqual(
      await cleanUp(),
      { versionsDeleted: 0, slotsDeleted: 0, failures: 0 },
      'a rerun finds nothing',
    )
  })

  test('an old version replaced only now is kept for the grace period', async () => {
    const productId = await insertProduct(t, seller.sellerId!)
    const v1 = await upload(productId)
    await age(productId, 3 * DAY)
    await upload(productId, v1.id)
    await cleanUp()
    assert.equal(await served(v1.url), 200)
    assert.equal((await versionRows(t, productId)).length, 2)
  })

  test('a version whose bytes are already gone is still removed, without complaint', async () => {
    const productId = await insertProduct(t, seller.sellerId!)
    const v1 = await upload(productId)
    await upload(productId, v1.id)
    await age(productId, 2 * DAY)
    // As if an earlier run died between removing the bytes and the row.
    await t.app.catalogObjectStore.delete(keyOf(v1.url))
    const result = await cleanUp()
    assert.equal(result.failures, 0)
    assert.deepEqual(
      (await versionRows(t, productId)).map((v) => v.version),
      [2],
    )
  })

  test('a version whose bytes cannot be removed keeps its row for the next run', async () => {
    const productId = await insertProduct(t, seller.sellerId!)
    const v1 = await upload(productId)
    await upload(productId, v1.id)
    await age(productId, 2 * DAY)
    const real = t.app.catalogObjectStore
    const failing: ObjectStore = {
      put: (...args) => real.put(...args),
      get: (key) => real.get(key),
      exists: (key) => real.exists(key),
      close: () => real.close(),
      delete: async () => {
        throw new Error('bucket unavailable')
      },
    }
    const result = await cleanUp(failing)
    assert.equal(result.failures, 1)
    assert.equal((await versionRows(t, productId)).length, 2)
    assert.equal(await served(v1.url), 200)
    assert.equal((await cleanUp()).failures, 0)
    assert.equal(await served(v1.url), 404)
  })

  test('the nightly job is scheduled, runs through the scheduler and counts what it removed', async () => {
    const [schedule] = await sql<{ cron: string }>(
      t,
      `SELECT cron FROM pgboss.schedule WHERE name = 'images.cleanup'`,
    )
    assert.equal(schedule?.cron, t.config.IMAGE_CLEANUP_CRON)

    const productId = await insertProduct(t, seller.sellerId!)
    const v1 = await upload(productId)
    await upload(productId, v1.id)
    await upload(productId, v1.id)
    await age(productId, 2 * DAY)
    const metric = async () => {
      const body = (await t.app.inject({ method: 'GET', url: '/metrics' })).body
      return Number(/^catalog_image_versions_cleaned_total(?:\{[^}]*\})? (\d+)/m.exec(body)?.[1] ?? 0)
    }
    const countedBefore = await metric()

    await t.app.jobs.runSoon('images.cleanup', {})
    const deadline = Date.now() + 30_000
    while ((await versionRows(t, productId)).length > 1 && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 200))
    assert.deepEqual(
      (await versionRows(t, productId)).map((v) => v.version),
      [3],
    )
    assert.equal(await metric(), countedBefore + 2)
  })
})
