import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { buyerIdentity, sellerIdentity } from '@deals/contracts/testing'
import { client, sql, startTestCatalogApp, type TestCatalogApp } from '../../support/test-catalog-app.ts'
import { jpegImage, pngImage, webpImage } from '../../support/image-fixtures.ts'
import { insertProduct, storedKeys, versionRows } from '../../support/image-products.ts'

const PROBLEM = 'application/problem+json; charset=utf-8'

describe('product images', () => {
  let t: TestCatalogApp
  let call: ReturnType<typeof client>
  const seller = sellerIdentity()
  const otherSeller = sellerIdentity()

  before(async () => {
    t = await startTestCatalogApp()
    call = client(t)
  })
  after(() => t.close())

  const upload = (productId: string, bytes: Buffer, type: string, as = seller) =>
    call('POST', `/products/${productId}/images`, { body: bytes, as, headers: { 'content-type': type } })
  const uploadVersion = (productId: string, imageId: string, bytes: Buffer, type: string, as = seller) =>
    call('PUT', `/products/${productId}/images/${imageId}`, {
      body: bytes,
      as,
      headers: { 'content-type': type },
    })
  /** Fetches an image URL the way a buyer's browser does, through the gateway. */
  const fetchUrl = (url: string, headers: Record<string, string> = {}) =>
    call('GET', url.replace(t.config.IMAGE_PUBLIC_BASE_URL, '/images'), { headers })

  test('an uploaded image is listed with its URL and served back byte for byte, cacheable forever', async () => {
    const productId = await insertProduct(t, seller.sellerId!)
    const bytes = pngImage()
    const created = await upload(productId, bytes, 'image/png')
    assert.equal(created.statusCode, 201, created.body)
    const image = created.json()
    assert.equal(image.version, 1)
    assert.equal(image.position, 1)
    assert.equal(image.byteSize, bytes.length)
    assert.match(
      image.url,
      new RegExp(`^/api/catalog/images/products/${productId}/${image.id}/v1-[0-9a-f]{16}\\.png$`),
    )

    const second = await upload(productId, jpegImage(), 'image/jpeg')
    assert.equal(second.json().position, 2)

    const list = await call('GET', `/products/${productId}/images`, { as: buyerIdentity() })
    assert.equal(list.statusCode, 200)
    assert.deepEqual(
      list.json().items.map((i: { id: string; version: number }) => [i.id, i.version]),
      [
        [image.id, 1],
        [second.json().id, 1],
      ],
    )
    assert.equal((await call('GET', `/products/${productId}/images`)).statusCode, 200, 'anonymous may list')

    const served = await fetchUrl(image.url)
    assert.equal(served.statusCode, 200)
    assert.ok(served.rawPayload.equals(bytes))
    assert.equal(served.headers['content-type'], 'image/png')
    assert.equal(served.headers.etag, `"${image.sha256}"`)
    assert.equal(served.headers['cache-control'], 'public, max-age=31536000, immutable')

    const revalidated = await fetchUrl(image.url, { 'if-none-match': `"${image.sha256}"` })
    assert.equal(revalidated.statusCode, 304)
    assert.equal(revalidated.body, '')
  })

  test('a new version becomes current, and the old URL is still served', async () => {
    const productId = await insertProduct(t, seller.sellerId!)
    const first = pngImage('first')
    const created = (await upload(productId, first, 'image/png')).json()
    const replacement = webpImage('second')
    const replaced = await uploadVersion(productId, created.id, replacement, 'image/webp')
    assert.equal(replaced.statusCode, 200, replaced.body)
    assert.equal(replaced.json().id, created.id)
    assert.equal(replaced.json().version, 2)
    assert.notEqual(replaced.json().url, created.url)

    const [listed] = (await call('GET', `/products/${productId}/images`)).json().items
    assert.equal(listed.version, 2)
    assert.equal(listed.url, replaced.json().url)
    assert.ok((await fetchUrl(replaced.json().url)).rawPayload.equals(replacement))
    const old = await fetchUrl(created.url)
    assert.equal(old.statusCode, 200)
    assert.ok(old.rawPayload.equals(first))
  })

  test('a deleted image leaves the list, its URL keeps working, and it cannot be deleted twice', async () => {
    const productId = await insertProduct(t, seller.sellerId!)
    const created = (await upload(productId, pngImage(), 'image/png')).json()
    const removed = await call('DELETE', `/products/${productId}/images/${created.id}`, { as: seller })
    assert.equal(removed.statusCode, 204)
    assert.deepEqual((await call('GET', `/products/${productId}/images`)).json().items, [])
    assert.equal((await fetchUrl(created.url)).statusCode, 200)
    const again = await call('DELETE', `/products/${productId}/images/${created.id}`, { as: seller })
    assert.equal(again.statusCode, 404)
    assert.equal(again.json().code, 'IMAGE_NOT_FOUND')
    assert.equal((await uploadVersion(productId, created.id, pngImage(), 'image/png')).statusCode, 404)
  })

  test("another seller can neither upload to, replace nor delete my product's images", async () => {
    const productId = await insertProduct(t, seller.sellerId!)
    const created = (await upload(productId, pngImage(), 'image/png')).json()
    const before = await storedKeys(t, `products/${productId}`)

    const intruding = await upload(productId, pngImage(), 'image/png', otherSeller)
    assert.equal(intruding.statusCode, 404)
    assert.equal(intruding.json().code, 'PRODUCT_NOT_FOUND')
    assert.equal(
      (await uploadVersion(productId, created.id, pngImage(), 'image/png', otherSeller)).statusCode,
      404,
    )
    const deleting = await call('DELETE', `/products/${productId}/images/${created.id}`, { as: otherSeller })
    assert.equal(deleting.statusCode, 404)

    assert.deepEqual(await storedKeys(t, `products/${productId}`), before)
    assert.deepEqual(
      (await versionRows(t, productId)).map((v) => v.version),
      [1],
    )
  })

  test('buyers and sellers not yet approved are refused with 403, anonymous callers with 401', async () => {
    const productId = await insertProduct(t, seller.sellerId!)
    const asBuyer = await upload(productId, pngImage(), 'image/png', buyerIdentity())
    assert.equal(asBuyer.statusCode, 403)
    assert.equal(asBuyer.headers['content-type'], PROBLEM)
    const anonymous = await call('POST', `/products/${productId}/images`, {
      body: pngImage(),
      headers: { 'content-type': 'image/png' },
    })
    assert.equal(anonymous.statusCode, 401)
    const { sellerId: _, ...unapproved } = seller
    const notApproved = await upload(productId, pngImage(), 'image/png', unapproved)
    assert.equal(notApproved.statusCode, 403)
    assert.equal(notApproved.json().code, 'FORBIDDEN')
    assert.deepEqual(await storedKeys(t, `products/${productId}`), [])
  })

  test('a deleted product takes no images and lists none', async () => {
    const productId = await insertProduct(t, seller.sellerId!)
    await sql(t, `UPDATE products SET status = 'DELETED' WHERE id = $1`, [productId])
    assert.equal((await upload(productId, pngImage(), 'image/png')).statusCode, 404)
    assert.equal((await call('GET', `/products/${productId}/images`)).statusCode, 404)
  })

  test('bytes that are not the declared image, other types and oversized bodies are refused with problem+json', async () => {
    const productId = await insertProduct(t, seller.sellerId!)
    const cases: [string, Buffer, string, number, string][] = [
      ['PNG bytes sent as JPEG', pngImage(), 'image/jpeg', 422, 'IMAGE_TYPE_MISMATCH'],
      ['text sent as PNG', Buffer.from('not an image at all'), 'image/png', 422, 'IMAGE_TYPE_MISMATCH'],
      ['an empty PNG', Buffer.alloc(0), 'image/png', 422, 'EMPTY_IMAGE'],
      ['a GIF', Buffer.from('GIF89a\x01\x00\x01\x00'), 'image/gif', 415, 'UNSUPPORTED_MEDIA_TYPE'],
      [
        'an SVG',
        Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>'),
        'image/svg+xml',
        415,
        'UNSUPPORTED_MEDIA_TYPE',
      ],
      ['JSON', Buffer.from('{"url":"http://x"}'), 'application/json', 415, 'UNSUPPORTED_IMAGE_TYPE'],
      [
        'a PNG over the size limit',
        Buffer.concat([pngImage(), Buffer.alloc(t.config.IMAGE_MAX_BYTES)]),
        'image/png',
        413,
        'PAYLOAD_TOO_LARGE',
      ],
    ]
    for (const [what, bytes, type, status, code] of cases) {
      const response = await upload(productId, bytes, type)
      assert.equal(response.statusCode, status, `${what}: ${response.body}`)
      assert.equal(response.headers['content-type'], PROBLEM, what)
      assert.equal(response.json().code, code, what)
    }
    const created = (await upload(productId, pngImage(), 'image/png')).json()
    const mismatched = await uploadVersion(productId, created.id, jpegImage(), 'image/webp')
    assert.equal(mismatched.statusCode, 422)
    assert.deepEqual((await storedKeys(t, `products/${productId}`)).length, 1)
  })

  test('an image just under the size limit is accepted', async () => {
    const productId = await insertProduct(t, seller.sellerId!)
    const big = pngImage('x'.repeat(t.config.IMAGE_MAX_BYTES - pngImage('').length))
    assert.equal(big.length, t.config.IMAGE_MAX_BYTES)
    const created = await upload(productId, big, 'image/png')
    assert.equal(created.statusCode, 201, created.body)
    assert.ok((await fetchUrl(created.json().url)).rawPayload.equals(big))
  })

  test('paths that try to climb out of the image store get a 404 problem, never a file', async () => {
    for (const url of [
      '/images/../../etc/passwd',
      '/images/..%2f..%2f..%2fetc%2fpasswd',
      '/images/products%2f..%2f..%2f..%2f..%2fetc%2fpasswd',
      '/images/%2e%2e/%2e%2e/etc/passwd',
      '/images/%2fetc%2fpasswd',
      '/images/.meta/products/x.png',
      '/images/products/x/y/v1-0000000000000000.png',
    ]) {
      const response = await call('GET', url)
      assert.equal(response.statusCode, 404, url)
      assert.equal(response.headers['content-type'], PROBLEM, url)
      assert.doesNotMatch(response.body, /root:/, url)
    }
  })

  test('concurrent uploads take distinct positions and distinct version numbers', async () => {
    const productId = await insertProduct(t, seller.sellerId!)
    const added = await Promise.all(
      Array.from({ length: 6 }, () => upload(productId, pngImage(), 'image/png')),
    )
    assert.deepEqual(
      added.map((r) => r.statusCode),
      Array(6).fill(201),
    )
    const positions = await sql<{ position: number }>(
      t,
      `SELECT position FROM product_images WHERE product_id = $1 ORDER BY position`,
      [productId],
    )
    assert.deepEqual(
      positions.map((r) => r.position),
      [1, 2, 3, 4, 5, 6],
    )

    const imageId = added[0]!.json().id
    const versions = await Promise.all(
      Array.from({ length: 4 }, () => uploadVersion(productId, imageId, jpegImage(), 'image/jpeg')),
    )
    const accepted = versions.filter((r) => r.statusCode === 200)
    assert.ok(accepted.length >= 1)
    for (const r of versions) assert.ok([200, 409].includes(r.statusCode), r.body)
    const rows = (await versionRows(t, productId)).filter((v) => v.image_id === imageId)
    assert.deepEqual(
      rows.map((v) => v.version).sort(),
      Array.from({ length: accepted.length + 1 }, (_, i) => i + 1),
    )
    assert.equal(rows.find((v) => v.current)?.version, accepted.length + 1)
    // Every stored object belongs to a recorded version, whatever lost a race.
    assert.deepEqual(
      await storedKeys(t, `products/${productId}`),
      (await versionRows(t, productId)).map((v) => v.storage_key),
    )
  })

  test('an upload the database refuses leaves no bytes behind', async () => {
    const productId = await insertProduct(t, seller.sellerId!)
    // Nineteen slots straight in the table, so the twentieth upload fills the product.
    await sql(
      t,
      `INSERT INTO product_images (id, product_id, position, updated_at)
       SELECT gen_random_uuid(), $1, n, now() FROM generate_series(1, 19) AS n`,
      [productId],
    )
    const last = await upload(productId, pngImage(), 'image/png')
    assert.equal(last.statusCode, 201)
    assert.equal(last.json().position, 20)
    const refused = await upload(productId, pngImage(), 'image/png')
    assert.equal(refused.statusCode, 409)
    assert.equal(refused.json().code, 'TOO_MANY_IMAGES')
    assert.deepEqual(await storedKeys(t, `products/${productId}`), [last.json().url.split('/images/')[1]])
  })

  test('the OpenAPI document describes the image routes', async () => {
    const document = (await t.app.inject({ method: 'GET', url: '/openapi.json' })).json()
    const paths = Object.keys(document.paths)
    for (const path of ['/products/{id}/images', '/products/{id}/images/{imageId}', '/images/{*}'])
      assert.ok(paths.includes(path), `${path} in ${paths.join(', ')}`)
    assert.ok(document.paths['/products/{id}/images'].post.responses['415'])
  })

  test('uploads are counted on /metrics', async () => {
    const metrics = await t.app.inject({ method: 'GET', url: '/metrics' })
    const newImages = /catalog_image_uploads_total\{kind="new_image"[^}]*\} (\d+)/.exec(metrics.body)
    const newVersions = /catalog_image_uploads_total\{kind="new_version"[^}]*\} (\d+)/.exec(metrics.body)
    const [counted] = await sql<{ images: number; versions: number }>(
      t,
      `SELECT count(*) FILTER (WHERE version = 1)::int AS images, count(*) FILTER (WHERE version > 1)::int AS versions
       FROM image_versions`,
    )
    assert.equal(Number(newImages?.[1]), counted!.images)
    assert.equal(Number(newVersions?.[1]), counted!.versions)
  })
})
