import { describe, test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { startStack, type Stack } from '../support/stack.ts'
import { signToken } from '../support/tokens.ts'
import { bearer, call, rawGet } from '../support/http.ts'

const FORGED = {
  'x-user-id': '00000000-0000-4000-8000-000000000001',
  'x-user-roles': 'ADMIN',
  'x-seller-id': '00000000-0000-4000-8000-000000000002',
  'x-api-key-id': '00000000-0000-4000-8000-000000000003',
  'x-api-scopes': 'products:write',
  'x-gateway-signature': 't=1,s=forged',
  'x-forwarded-for': '203.0.113.7',
  'x-forwarded-host': 'evil.example',
}

describe('identity headers a client sends never reach a service', () => {
  let stack: Stack
  before(async () => {
    stack = await startStack()
  })
  after(() => stack.close())

  test('an anonymous request with forged identity headers arrives anonymous', async () => {
    const res = await call(`${stack.gateway.url}/api/catalog/echo`, { headers: FORGED })
    assert.equal(res.status, 200)
    assert.equal(res.body.identity, null)
    for (const name of ['x-user-id', 'x-user-roles', 'x-seller-id', 'x-api-key-id', 'x-api-scopes'])
      assert.equal(res.body.headers[name], undefined, name)
    assert.notEqual(res.body.headers['x-gateway-signature'], FORGED['x-gateway-signature'])
    assert.equal(res.body.headers['x-forwarded-for'], '127.0.0.1')
    assert.notEqual(res.body.headers['x-forwarded-host'], 'evil.example')
  })

  test('an authenticated request with forged identity headers arrives as the token subject only', async () => {
    const userId = randomUUID()
    const res = await call(`${stack.gateway.url}/api/catalog/echo`, {
      headers: { ...FORGED, ...bearer(await signToken(stack.key, { sub: userId })) },
    })
    assert.equal(res.status, 200)
    assert.deepEqual(res.body.identity, { userId, roles: ['BUYER'] })
    assert.equal(res.body.headers['x-user-roles'], 'BUYER')
    assert.equal(res.body.headers['x-seller-id'], undefined)
    assert.equal(res.body.headers.authorization, undefined, 'the credential is not passed on')
  })

  test('a header named in Connection cannot make the gateway drop its own headers', async () => {
    const res = await rawGet(`${stack.gateway.url}/api/catalog/echo`, {
      connection: 'x-gateway-signature, x-request-id',
    })
    assert.equal(res.status, 200)
    assert.ok(res.body.headers['x-gateway-signature'])
    assert.ok(res.body.headers['x-request-id'])
  })

  test('a sane client request id is kept and forwarded; a hostile one is replaced', async () => {
    const kept = await call(`${stack.gateway.url}/api/catalog/echo`, {
      headers: { 'x-request-id': 'client-abc-123' },
    })
    assert.equal(kept.body.headers['x-request-id'], 'client-abc-123')
    assert.equal(kept.headers.get('x-request-id'), 'client-abc-123')
    const replaced = await call(`${stack.gateway.url}/api/catalog/echo`, {
      headers: { 'x-request-id': 'bad id\twith spaces' },
    })
    assert.match(replaced.body.headers['x-request-id'] ?? '', /^[0-9a-f-]{36}$/)
  })

  test('an SSE request may carry its token in access_token, which is not forwarded', async () => {
    const userId = randomUUID()
    const token = await signToken(stack.key, { sub: userId })
    const res = await call(`${stack.gateway.url}/api/catalog/echo?x=1&access_token=${token}`, {
      headers: { accept: 'text/event-stream' },
    })
    assert.equal(res.status, 200)
    assert.equal(res.body.identity?.userId, userId)
    assert.equal(res.body.url, '/echo?x=1')
  })

  test('access_token is ignored on an ordinary request', async () => {
    const token = await signToken(stack.key)
    const res = await call(`${stack.gateway.url}/api/catalog/echo?access_token=${token}`)
    assert.equal(res.status, 200)
    assert.equal(res.body.identity, null)
  })

  test('the same upstream called directly, without the gateway, answers 401', async () => {
    const res = await call(`${stack.catalog.url}/echo`, { headers: FORGED })
    assert.equal(res.status, 401)
    assert.equal(res.body.code, 'UNAUTHENTICATED')
  })
})
