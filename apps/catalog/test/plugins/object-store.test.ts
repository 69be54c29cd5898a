import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { createServer } from '@deals/service-kit'
import { loadCatalogConfig } from '../../src/config.ts'
import { objectStorePlugin } from '../../src/plugins/object-store.ts'
import { LocalObjectStore } from '../../src/object-store/local-object-store.ts'
import { S3ObjectStore } from '../../src/object-store/s3-object-store.ts'

async function objectStoreOf(env: Record<string, string>) {
  const app = createServer({ service: 'catalog-object-store-test', logLevel: 'silent' })
  await app.register(objectStorePlugin, { config: loadCatalogConfig({ NODE_ENV: 'test', ...env }) })
  try {
    await app.ready()
    return app.catalogObjectStore
  } finally {
    await app.close()
  }
}

describe('object store plugin', () => {
  test('uses the local folder by default', async () => {
    assert.ok((await objectStoreOf({})) instanceof LocalObjectStore)
  })

  test('uses S3 when configured with a bucket and credentials', async () => {
    const store = await objectStoreOf({
      OBJECT_STORE: 's3',
      S3_BUCKET: 'images',
      S3_ACCESS_KEY_ID: 'id',
      S3_SECRET_ACCESS_KEY: 'secret',
      S3_ENDPOINT: 'http://127.0.0.1:9000',
    })
    assert.ok(store instanceof S3ObjectStore)
  })

  test('refuses to start on S3 without its settings, naming each one missing', async () => {
    await assert.rejects(objectStoreOf({ OBJECT_STORE: 's3' }), (error: Error) => {
      assert.match(
        error.message,
        /S3_BUCKET, S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY must be set when OBJECT_STORE=s3/,
      )
      return true
    })
    await assert.rejects(
      objectStoreOf({ OBJECT_STORE: 's3', S3_BUCKET: 'images', S3_ACCESS_KEY_ID: 'id' }),
      /: S3_SECRET_ACCESS_KEY must be set/,
    )
  })
})
