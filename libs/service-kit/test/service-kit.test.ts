import { describe, test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { z } from 'zod'
import {
  createServer,
  serviceKit,
  defineError,
  loadConfig,
  baseConfigShape,
  devDefault,
  ConfigError,
  requireRole,
  signIdentityHeaders,
  verifyIdentityHeaders,
  discoveryPlugin,
} from '../src/index.ts'
import { startFakeConsul } from '@deals/discovery/testing'
import { gatewayHeaders, TEST_GATEWAY_SECRET } from '../src/testing/index.ts'
import { buyerIdentity } from '@deals/contracts/testing'

const SoldOut = defineError('SOLD_OUT', 409, 'The deal is sold out')

/** A kit-built app with no routes of its own, closed when the test ends. */
async function bareApp(t: { after(fn: () => unknown): void }) {
  const app = createServer({ service: 'kit-test', logLevel: 'silent' })
  t.after(() => app.close())
  await app.register(serviceKit, {
    service: 'kit-test',
    title: 't',
    gatewaySigningSecret: TEST_GATEWAY_SECRET,
  })
  return app
}

async function buildApp() {
  const app = createServer({ service: 'kit-test', logLevel: 'silent', bodyLimit: 1024 })
  await app.register(serviceKit, {
    service: 'kit-test',
    title: 'Kit test',
    gatewaySigningSecret: TEST_GATEWAY_SECRET,
  })
  app.post(
    '/things',
    { schema: { body: z.strictObject({ name: z.string().min(1), count: z.number().int().positive() }) } },
    async (request) => ({ echoed: request.body.name, user: request.identity?.userId ?? null }),
  )
  app.get('/things/:id', async (request) => request.params)
  app.get('/sold-out', async () => {
    throw SoldOut()
  })
  app.get('/boom', async () => {
    throw new Error('database password is hunter2')
  })
  app.get('/admin-only', { preHandler: requireRole('ADMIN') }, async () => ({ ok: true }))
  await app.ready()
  return app
}

describe('service kit', () => {
  let app: Awaited<ReturnType<typeof buildApp>>
  before(async () => {
    app = await buildApp()
  })
  after(() => app.close())

  const post = (payload: string, headers: Record<string, string> = {}) =>
    app.inject({
      method: 'POST',
      url: '/things',
      payload,
      headers: { 'content-type': 'application/json', ...gatewayHeaders(buyerIdentity()), ...headers },
    })

  test('a request without the gateway signature is refused with 401 problem+json', async () => {
    const res = await app.inject({ method: 'POST', url: '/things', payload: { name: 'a', count: 1 } })
    assert.equal(res.statusCode, 401)
    assert.match(res.headers['content-type'] as string, /application\/problem\+json/)
    assert.equal(res.json().code, 'UNAUTHENTICATED')
  })

  test('identity headers altered after signing are refused', async () => {
    const headers = gatewayHeaders(buyerIdentity())
    headers['x-user-roles'] = 'ADMIN'
    const res = await app.inject({ method: 'GET', url: '/admin-only', headers })
    assert.equal(res.statusCode, 401)
  })

  test('a signature from another secret or too old is refused', () => {
    const identity = buyerIdentity()
    assert.equal(
      verifyIdentityHeaders(TEST_GATEWAY_SECRET, signIdentityHeaders('x'.repeat(40), identity)).ok,
      false,
    )
    const old = signIdentityHeaders(TEST_GATEWAY_SECRET, identity, Date.now() - 120_000)
    assert.equal(verifyIdentityHeaders(TEST_GATEWAY_SECRET, old).ok, false)
    const fresh = verifyIdentityHeaders(
      TEST_GATEWAY_SECRET,
      signIdentityHeaders(TEST_GATEWAY_SECRET, identity),
    )
    assert.deepEqual(fresh, { ok: true, identity })
  })

  test('a valid request reaches the handler with the asserted identity', async () => {
    const identity = buyerIdentity()
    const res = await app.inject({
      method: 'POST',
      url: '/things',
      payload: { name: 'x', count: 2 },
      headers: gatewayHeaders(identity),
    })
    assert.equal(res.statusCode, 200)
    assert.deepEqual(res.json(), { echoed: 'x', user: identity.userId })
    assert.ok(res.headers['x-request-id'])
  })

  for (const [name, payload, code] of [
    ['wrong types', '{"name": 5, "count": "many"}', 'VALIDATION_FAILED'],
    ['missing fields', '{}', 'VALIDATION_FAILED'],
    ['unknown fields', '{"name":"a","count":1,"admin":true}', 'VALIDATION_FAILED'],
    ['bad JSON', '{"name": ', 'MALFORMED_JSON'],
    ['an empty body', '', 'MALFORMED_JSON'],
  ] as const) {
    test(`${name} get 400 problem+json with code ${code}`, async () => {
      const res = await post(payload)
      assert.equal(res.statusCode, 400, res.body)
      assert.match(res.headers['content-type'] as string, /application\/problem\+json/)
      assert.equal(res.json().code, code)
    })
  }

  test('a body over the limit gets 413 PAYLOAD_TOO_LARGE', async () => {
    const res = await post(JSON.stringify({ name: 'x'.repeat(5000), count: 1 }))
    assert.equal(res.statusCode, 413)
    assert.equal(res.json().code, 'PAYLOAD_TOO_LARGE')
  })

  test('a non-JSON content type gets 415', async () => {
    const res = await post('name=a', { 'content-type': 'text/plain' })
    assert.equal(res.statusCode, 415)
    assert.equal(res.json().code, 'UNSUPPORTED_MEDIA_TYPE')
  })

  test('an over-long path parameter and a malformed URL get problem+json', async () => {
    const long = await app.inject({
      method: 'GET',
      url: `/things/${'x'.repeat(200)}`,
      headers: gatewayHeaders(),
    })
    assert.equal(long.statusCode, 414)
    assert.equal(long.json().code, 'PARAMETER_TOO_LONG')
    const bad = await app.inject({ method: 'GET', url: '/things/%E0%A4%A', headers: gatewayHeaders() })
    assert.ok(bad.statusCode >= 400 && bad.statusCode < 500, String(bad.statusCode))
    assert.match(bad.headers['content-type'] as string, /application\/problem\+json/)
  })

  test('a sane client request id is kept and a hostile one replaced', async () => {
    const kept = await app.inject({ method: 'GET', url: '/healthz', headers: { 'x-request-id': 'abc-123' } })
    assert.equal(kept.headers['x-request-id'], 'abc-123')
    const hostile = await app.inject({
      method: 'GET',
      url: '/healthz',
      headers: { 'x-request-id': 'a\u0000b {"admin":true}' },
    })
    assert.notEqual(hostile.headers['x-request-id'], 'a\u0000b {"admin":true}')
    assert.match(hostile.headers['x-request-id'] as string, /^[0-9a-f-]{36}$/)
  })

  test('a domain error keeps its code and status', async () => {
    const res = await app.inject({
      method: 'GET',
      url: '/sold-out',
      headers: gatewayHeaders(buyerIdentity()),
    })
    assert.equal(res.statusCode, 409)
    assert.equal(res.json().code, 'SOLD_OUT')
  })

  test('an unexpected error is a 500 that hides its detail', async () => {
    const res = await app.inject({ method: 'GET', url: '/boom', headers: gatewayHeaders(buyerIdentity()) })
    assert.equal(res.statusCode, 500)
    assert.equal(res.json().code, 'INTERNAL')
    assert.doesNotMatch(res.body, /hunter2/)
  })

  test('role guards answer 403 to a signed-in user without the role', async () => {
    const res = await app.inject({
      method: 'GET',
      url: '/admin-only',
      headers: gatewayHeaders(buyerIdentity()),
    })
    assert.equal(res.statusCode, 403)
    assert.equal(res.json().code, 'FORBIDDEN')
  })

  test('an unknown route is a 404 problem through the gateway and a 401 around it', async () => {
    assert.equal((await app.inject({ method: 'GET', url: '/nope' })).statusCode, 401)
    const res = await app.inject({ method: 'GET', url: '/nope', headers: gatewayHeaders() })
    assert.equal(res.statusCode, 404)
    assert.equal(res.json().code, 'ROUTE_NOT_FOUND')
  })

  test('health, readiness and metrics answer without the gateway signature', async () => {
    assert.equal((await app.inject('/healthz')).statusCode, 200)
    assert.equal((await app.inject('/readyz')).statusCode, 200)
    const metrics = await app.inject('/metrics')
    assert.equal(metrics.statusCode, 200)
    assert.match(metrics.body, /http_server_request_duration_seconds_count\{[^}]*route="\/things"/)
  })

  test('readiness is 503 when a dependency check fails', async (t) => {
    const other = await bareApp(t)
    other.after(() =>
      other.addReadinessCheck('postgres', async () => Promise.reject(new Error('connection refused'))),
    )
    await other.ready()
    const res = await other.inject('/readyz')
    assert.equal(res.statusCode, 503)
    assert.equal(res.json().checks.postgres, 'connection refused')
  })
})

describe('configuration', () => {
  const shape = {
    ...baseConfigShape,
    PORT: z.coerce.number().int().default(3000),
    SECRET_KEY: devDefault(z.string(), 'dev-secret'),
  }

  test('development defaults apply outside production', () => {
    const config = loadConfig(shape, {})
    assert.equal(config.SECRET_KEY, 'dev-secret')
    assert.equal(config.PORT, 3000)
  })

  test('development defaults are refused in production, naming each variable', () => {
    assert.throws(
      () => loadConfig(shape, { NODE_ENV: 'production' }),
      (err: Error) => {
        assert.ok(err instanceof ConfigError)
        assert.match(err.message, /GATEWAY_SIGNING_SECRET/)
        assert.match(err.message, /SECRET_KEY/)
        return true
      },
    )
  })

  test('a bad value stops start-up with the variable named', () => {
    assert.throws(() => loadConfig(shape, { PORT: 'eighty' }), /PORT/)
  })
})

describe('discovery registration', () => {
  test('a service registers with Consul when it listens and deregisters before it drains', async (t) => {
    const consul = await startFakeConsul()
    t.after(() => consul.close())
    const app = await bareApp(t)
    await app.register(discoveryPlugin, { service: 'kit-test', env: { CONSUL_URL: consul.url } })
    await app.listen({ host: '127.0.0.1', port: 0 })
    const port = (app.server.address() as { port: number }).port
    await app.discoveryRegistration()
    const registered = consul.services()
    assert.deepEqual(
      registered.map((s) => [s.name, s.port]),
      [['kit-test', port]],
    )
    await app.close()
    assert.equal(consul.services().length, 0)
  })
})

describe('graceful shutdown', () => {
  test('closing lets an in-flight request finish, reports not ready, and refuses new work', async (t) => {
    const app = await bareApp(t)
    let release!: () => void
    const released = new Promise<void>((resolve) => (release = resolve))
    let started!: () => void
    const inFlight = new Promise<void>((resolve) => (started = resolve))
    app.get('/slow', async () => {
      started()
      await released
      return { finished: true }
    })
    await app.listen({ host: '127.0.0.1', port: 0 })
    const url = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`

    const slow = fetch(`${url}/slow`, { headers: gatewayHeaders() })
    await inFlight
    const closing = app.close()
    const during = await fetch(`${url}/readyz`).catch((err: Error) => err)
    if (!(during instanceof Error)) assert.equal(during.status, 503, 'not ready while draining')
    release()
    const res = await slow
    assert.equal(res.status, 200)
    assert.deepEqual(await res.json(), { finished: true })
    assert.equal(res.headers.get('connection'), 'close', 'the drained connection is not kept alive')
    await closing
    await assert.rejects(fetch(`${url}/healthz`, { signal: AbortSignal.timeout(2_000) }))
  })
})
