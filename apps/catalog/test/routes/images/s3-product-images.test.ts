// The image routes end to end with OBJECT_STORE=s3, against the in-process S3 double.
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { sellerIdentity } from '@deals/contracts/testing'
import { client, startTestCatalogApp, type TestCatalogApp } from '../../support/test-catalog-app.ts'
import { jpegImage, pngImage } from '../../support/image-fixtures.ts'
import { insertProduct } from '../../support/image-products.ts'
import { startS3Double, type S3Double } from '../../support/s3-double.ts'
import { sql } from '../../support/test-catalog-app.ts'

describe('product images in an S3 bucket', () => {
  let s3: S3Double
  let t: TestCatalogApp
  const seller = sellerIdentity()

  before(async () => {
    s3 = await startS3Double()
    t = await startTestCatalogApp(s3.env)
  })
  after(async () => {
    await t.close()
    await s3.close()
  })

  test('uploads land in the bucket, are served back from it, and the clean-up removes old versions there', async () => {
    const call = client(t)
    const productId = await insertProduct(t, seller.sellerId!)
    const first = pngImage()
    const created = await call('POST', `/products/${productId}/images`, {
      body: first,
      as: seller,
      headers: { 'content-type': 'image/png' },
    })
    assert.equal(created.statusCode, 201, created.body)
    const firstKey = created.json().url.split('/images/')[1]
    assert.deepEqual([...s3.objects.keys()], [firstKey])
    assert.equal(s3.objects.get(firstKey)?.contentType, 'image/png')

    const served = await call('GET', `/images/${firstKey}`)
    assert.equal(served.statusCode, 200)
    assert.equal(served.headers['content-type'], 'image/png')
    assert.ok(served.rawPayload.equals(first))

    const second = jpegImage()
    const replaced = await call('PUT', `/products/${productId}/images/${created.json().id}`, {
      body: second,
      as: seller,
      headers: { 'content-type': 'image/jpeg' },
    })
    assert.equal(replaced.statusCode, 200)
    const secondKey = replaced.json().url.split('/images/')[1]
    assert.ok((await call('GET', `/images/${secondKey}`)).rawPayload.equals(second))

    await sql(t, `UPDATE image_versions SET created_at = created_at - interval '2 days'`)
    const result = await t.app.cleanUpProductImages()
    assert.equal(result.versionsDeleted, 1)
    assert.deepEqual([...s3.objects.keys()], [secondKey])
    assert.equal((await call('GET', `/images/${firstKey}`)).statusCode, 404)
  })
})
