import { describe, test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { startUpstream, type UpstreamService } from '../support/upstream-service.ts'
import { startGateway, type TestGateway } from '../support/gateway.ts'
import { call } from '../support/http.ts'

describe('aggregated API documentation', () => {
  let catalog: UpstreamService
  let order: UpstreamService
  let gateway: TestGateway

  before(async () => {
    ;[catalog, order] = await Promise.all([startUpstream('catalog'), startUpstream('order')])
    gateway = await startGateway({ catalog: catalog.url, order: order.url })
  })
  after(async () => {
    await gateway.close()
    await Promise.all([catalog.close(), order.close()])
  })

  test("GET /docs/json lists each service's paths under its public prefix, services that are down left out", async () => {
    const res = await call(`${gateway.url}/docs/json`)
    assert.equal(res.status, 200)
    const paths = Object.keys(res.body.paths ?? {})
    assert.ok(paths.includes('/api/catalog/things/{id}'), paths.join(' '))
    assert.ok(paths.includes('/api/orders/things/{id}'))
    assert.ok(paths.includes('/seller/v1/{*}'), 'seller API paths keep their public path')
    assert.ok(!paths.some((path) => path.includes('/internal')), 'internal paths are not published')
    assert.ok(!paths.some((path) => path.startsWith('/api/queue')), 'a service that is down is left out')
    assert.ok(res.body.components?.securitySchemes?.bearer)
  })

  test('GET /docs answers the documentation UI as HTML', async () => {
    const res = await call(`${gateway.url}/docs`)
    assert.equal(res.status, 200)
    assert.match(res.headers.get('content-type') ?? '', /text\/html/)
  })
})
