import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { client, startTestCatalogApp, type TestCatalogApp } from '../support/test-catalog-app.ts'

describe('catalog service', () => {
  let t: TestCatalogApp
  before(async () => {
    t = await startTestCatalogApp()
  })
  after(() => t.close())

  test('is ready once its database, Redis and broker answer', async () => {
    const response = await client(t)('GET', '/readyz')
    assert.equal(response.statusCode, 200)
    assert.deepEqual(Object.keys(response.json().checks).sort(), ['postgres', 'redis'])
  })

  test('refuses a call that did not come through the gateway', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/openapi.json' })
    assert.equal(response.statusCode, 200)
    const direct = await t.app.inject({ method: 'GET', url: '/no-such-route' })
    assert.equal(direct.statusCode, 401)
    assert.equal(direct.headers['content-type'], 'application/problem+json; charset=utf-8')
  })
})
