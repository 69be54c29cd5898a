// Walks every route the app registered and feeds it bad input: each answer must be a 4xx
// problem+json with a stable code, never a 500 and never a success.
import { describe, test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { assertRoutesRegistered, walkBadInput, walkWithoutCredentials } from '@deals/testing'
import { gatewayHeaders } from '@deals/service-kit/testing'
import { startTestAuthApp, type TestAuthApp } from '../support/test-auth-app.ts'

/** Operational endpoints and the JWKS answer anyone: they take no input. */
const OPEN_ROUTES = ['/healthz', '/readyz', '/metrics', '/openapi.json', '/.well-known/jwks.json']

/** Holds every role, so that role guards pass and the input itself is what gets refused. */
const everyone = {
  userId: randomUUID(),
  roles: ['BUYER' as const, 'SELLER' as const, 'ADMIN' as const],
  sellerId: randomUUID(),
}

describe('bad input on every route', () => {
  let t: TestAuthApp
  before(async () => {
    t = await startTestAuthApp()
  })
  after(() => t.close())

  test('the app registered the routes this table walks', () => {
    assertRoutesRegistered(t.routes, [
      'POST /signup',
      'POST /login',
      'POST /refresh',
      'POST /logout',
      'GET /me',
      'PATCH /me/addresses/:id',
      'POST /api-keys',
      'POST /internal/api-keys/introspect',
    ])
  })

  test('the OpenAPI document describes every route of the service', async () => {
    const paths = Object.keys((await t.app.inject('/openapi.json')).json().paths)
    for (const route of t.routes) {
      const path = route.url.replace(/:([A-Za-z]+)/g, '{$1}')
      if (!OPEN_ROUTES.includes(route.url) || route.url.includes('jwks'))
        assert.ok(paths.includes(path), path)
    }
  })

  test('every route except the open ones refuses a request without the gateway signature', async () => {
    await walkWithoutCredentials(t.app, t.routes, { open: OPEN_ROUTES })
  })

  test('every bad input gets a 4xx problem+json with the expected code', async () => {
    const checked = await walkBadInput(t.app, t.routes, { headers: gatewayHeaders(everyone) })
    assert.ok(checked > 60, `checked ${checked} cases`)
  })
})
