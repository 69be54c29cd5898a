import { describe, test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { startGateway } from '../support/gateway.ts'
import { startStack, type Stack } from '../support/stack.ts'
import { signToken } from '../support/tokens.ts'
import { bearer, call } from '../support/http.ts'

describe('health, readiness and metrics', () => {
  let stack: Stack
  before(async () => {
    stack = await startStack()
  })
  after(() => stack.close())

  test('/readyz is ready once Redis answers and the JWKS is loaded', async () => {
    const res = await call(`${stack.gateway.url}/readyz`)
    assert.equal(res.status, 200)
    assert.deepEqual(res.body, { status: 'ready', checks: { redis: 'ok', jwks: 'ok' } })
  })

  test('/readyz is unready while auth has never answered with its keys', async () => {
    const blind = await startGateway({ catalog: stack.catalog.url })
    try {
      const res = await call(`${blind.url}/readyz`)
      assert.equal(res.status, 503)
      assert.equal(res.body.checks?.redis, 'ok')
    } finally {
      await blind.close()
    }
  })

  test('/metrics counts requests per route, token cache hits and misses, and upstream failures', async () => {
    const token = await signToken(stack.key)
    await call(`${stack.gateway.url}/api/catalog/echo`, { headers: bearer(token) })
    await call(`${stack.gateway.url}/api/catalog/echo`, { headers: bearer(token) })
    await call(`${stack.gateway.url}/api/queue/anything`)
    const res = await call(`${stack.gateway.url}/metrics`)
    assert.equal(res.status, 200)
    assert.match(res.text, /http_server_request_duration_seconds_count\{[^}]*route="\/api\/catalog\/\*"/)
    assert.match(res.text, /gateway_token_cache_lookups_total\{[^}]*result="hit"[^}]*\} [1-9]/)
    assert.match(res.text, /gateway_token_cache_lookups_total\{[^}]*result="miss"[^}]*\} [1-9]/)
    assert.match(res.text, /gateway_upstream_errors_total\{[^}]*service="queue"/)
  })
})
