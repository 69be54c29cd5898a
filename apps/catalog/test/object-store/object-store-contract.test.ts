// One contract, two stores: the local folder and the S3 store talking to an in-process S3 double.
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { buffer, text } from 'node:stream/consumers'
import { LocalObjectStore } from '../../src/object-store/local-object-store.ts'
import { S3ObjectStore } from '../../src/object-store/s3-object-store.ts'
import { InvalidObjectKeyError, type ObjectStore } from '../../src/object-store/object-store.ts'
import { S3_DOUBLE_CREDENTIALS, startS3Double, type S3Double } from '../support/s3-double.ts'

interface StoreUnderTest {
  store: ObjectStore
  close(): Promise<void>
}

const UNSAFE_KEYS = [
  '',
  '../secret.txt',
  'products/../../secret.txt',
  '/etc/passwd',
  'products//x.png',
  'products/.hidden',
  '.meta/products/x.png',
  'products\\..\\x.png',
  'products/x\u0000.png',
  'products/x.png/',
  'a'.repeat(600),
]

function objectStoreContract(name: string, setUp: () => Promise<StoreUnderTest>) {
  describe(`${name} object store`, () => {
    let subject: StoreUnderTest
    let store: ObjectStore
    before(async () => {
      subject = await setUp()
      store = subject.store
    })
    after(() => subject.close())

    test('gives back exactly the bytes and the content type that were put', async () => {
      const bytes = randomBytes(300_000)
      await store.put('products/p1/i1/v1-abc.png', bytes, 'image/png')
      const object = await store.get('products/p1/i1/v1-abc.png')
      assert.ok(object)
      assert.equal(object.contentType, 'image/png')
      assert.equal(object.byteSize, bytes.length)
      assert.ok((await buffer(object.body)).equals(bytes))
    })

    test('knows which keys exist, and a missing key reads as null', async () => {
      assert.equal(await store.exists('products/p2/i1/v1-abc.jpg'), false)
      assert.equal(await store.get('products/p2/i1/v1-abc.jpg'), null)
      await store.put('products/p2/i1/v1-abc.jpg', Buffer.from('jpeg'), 'image/jpeg')
      assert.equal(await store.exists('products/p2/i1/v1-abc.jpg'), true)
    })

    test('a second put under the same key replaces the first', async () => {
      await store.put('products/p3/i1/v1-abc.webp', Buffer.from('first'), 'image/webp')
      await store.put('products/p3/i1/v1-abc.webp', Buffer.from('second'), 'image/webp')
      const object = await store.get('products/p3/i1/v1-abc.webp')
      assert.equal(await text(object!.body), 'second')
    })

    test('delete removes the object, and deleting what is gone is not an error', async () => {
      await store.put('products/p4/i1/v1-abc.png', Buffer.from('png'), 'image/png')
      await store.delete('products/p4/i1/v1-abc.png')
      assert.equal(await store.exists('products/p4/i1/v1-abc.png'), false)
      assert.equal(await store.get('products/p4/i1/v1-abc.png'), null)
      await store.delete('products/p4/i1/v1-abc.png')
      await store.delete('products/never-there.png')
    })

    test('keys that could climb out of the store or hide in it are refused by every operation', async () => {
      for (const key of UNSAFE_KEYS) {
        await assert.rejects(store.put(key, Buffer.from('x'), 'image/png'), InvalidObjectKeyError, key)
        await assert.rejects(store.get(key), InvalidObjectKeyError, key)
        await assert.rejects(store.exists(key), InvalidObjectKeyError, key)
        await assert.rejects(store.delete(key), InvalidObjectKeyError, key)
      }
    })
  })
}

let localRoot: string
objectStoreContract('local', async () => {
  localRoot = await mkdtemp(join(tmpdir(), 'catalog-store-contract-'))
  return {
    store: new LocalObjectStore(join(localRoot, 'images')),
    close: () => rm(localRoot, { recursive: true, force: true }),
  }
})

let s3: S3Double
objectStoreContract('S3', async () => {
  s3 = await startS3Double()
  const store = new S3ObjectStore({
    bucket: s3.bucket,
    region: 'us-east-1',
    endpoint: s3.endpoint,
    forcePathStyle: true,
    ...S3_DOUBLE_CREDENTIALS,
  })
  return {
    store,
    async close() {
      await store.close()
      await s3.close()
    },
  }
})

describe('local object store on disk', () => {
  let root: string
  let store: LocalObjectStore
  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'catalog-store-local-'))
    store = new LocalObjectStore(join(root, 'images'))
  })
  after(() => rm(root, { recursive: true, force: true }))

  test('a file beside the store is never reachable through a key', async () => {
    await writeFile(join(root, 'secret.txt'), 'top secret')
    await assert.rejects(store.get('../secret.txt'), InvalidObjectKeyError)
    await assert.rejects(store.get('images/../../secret.txt'), InvalidObjectKeyError)
  })

  test('concurrent puts to one key leave one whole object and no temporary files', async () => {
    const versions = Array.from({ length: 8 }, (_, i) => Buffer.alloc(200_000, i))
    await Promise.all(versions.map((bytes) => store.put('products/race/i/v1-x.png', bytes, 'image/png')))
    const stored = await buffer((await store.get('products/race/i/v1-x.png'))!.body)
    assert.ok(versions.some((bytes) => bytes.equals(stored)))
    assert.deepEqual(await readdir(join(root, 'images', '.tmp')), [])
  })
})

describe('S3 object store requests', () => {
  let double: S3Double
  let store: S3ObjectStore
  before(async () => {
    double = await startS3Double('requests-bucket')
    store = new S3ObjectStore({
      bucket: double.bucket,
      region: 'eu-central-1',
      endpoint: double.endpoint,
      forcePathStyle: true,
      ...S3_DOUBLE_CREDENTIALS,
    })
  })
  after(async () => {
    await store.close()
    await double.close()
  })

  test('are signed, path-style, and carry the content type as object metadata', async () => {
    await store.put('products/p/i/v1-abc.png', Buffer.from('png'), 'image/png')
    const put = double.requests.find((r) => r.method === 'PUT')
    assert.ok(put)
    assert.equal(put.path, '/requests-bucket/products/p/i/v1-abc.png')
    assert.match(String(put.headers.authorization), /^AWS4-HMAC-SHA256 Credential=test-access-key\//)
    assert.match(String(put.headers.authorization), /\/eu-central-1\/s3\/aws4_request/)
    assert.equal(double.objects.get('products/p/i/v1-abc.png')?.contentType, 'image/png')
  })

  test('a server failure surfaces as an error, not as a missing object', async () => {
    const broken = new S3ObjectStore({
      bucket: 'no-such-bucket-here',
      region: 'us-east-1',
      endpoint: double.endpoint,
      forcePathStyle: true,
      ...S3_DOUBLE_CREDENTIALS,
    })
    try {
      await assert.rejects(broken.put('products/x.png', Buffer.from('x'), 'image/png'), /NoSuchBucket/)
    } finally {
      await broken.close()
    }
  })
})
