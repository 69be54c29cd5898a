import { describe, test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { startUpstream, type UpstreamService } from '../support/upstream-service.ts'
import { startAuthDouble, type AuthDouble, type SigningKey } from '../support/auth-double.ts'
import { startGateway, type TestGateway } from '../support/gateway.ts'
import { signToken } from '../support/tokens.ts'
import { bearer, call } from '../support/http.ts'

describe('health, readiness and metrics', () => {
  let catalog: UpstreamService
  let auth: AuthDouble
  let key: SigningKey
  let gateway: TestGateway

  before(async () => {
    catalog = await startUpstream('catalog')
    auth = await startAuthDouble()
    key = await auth.addKey()
    gateway = await startGateway({ auth: auth.url, catalog: catalog.url })
  })
  after(async () => {
    await gateway.close()
    await catalog.close()
    await auth.close()
  })

  test('/readyz is ready once Redis answers and the JWKS is loaded', async () => {
    const res = await call(`${gateway.url}/readyz`)
    assert.equal(res.status, 200)
    assert.deepEqual(res.body, { status: 'ready', checks: { redis: 'ok', jwks: 'ok' } })
  })

  test('/readyz is unready while auth has never answered with its keys', async () => {
    const blind = await startGateway({ catalog: catalog.url })
    try {
      const res = await call(`${blind.url}/readyz`)
      assert.equal(res.status, 503)
      assert.equal(res.body.checks?.redis, 'ok')
    } finally {
      await blind.close()
    }
  })

  test('/metrics counts requests per route, token cache hits and misses, and upstream failures', async () => {
    const token = await signToken(key)
    await call(`${gateway.url}/api/catalog/echo`, { headers: bearer(token) })
    await call(`${gateway.url}/api/catalog/echo`, { headers: bearer(token) })
    await call(`${gateway.url}/api/queue/anything`)
    const res = await call(`${gateway.url}/metrics`)
    assert.equal(res.status, 200)
    assert.match(res.text, /http_server_request_duration_seconds_count\{[^}]*route="\/api\/catalog\/\*"/)
    assert.match(res.text, /gateway_token_cache_lookups_total\{[^}]*result="hit"[^}]*\} [1-9]/)
    assert.match(res.text, /gateway_token_cache_lookups_total\{[^}]*result="miss"[^}]*\} [1-9]/)
    assert.match(res.text, /gateway_upstream_errors_total\{[^}]*service="queue"/)
  })
})
