import { describe, test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { Readable } from 'node:stream'
import { request as httpRequest } from 'node:http'
import { request as undiciRequest } from 'undici'
import WebSocket from 'ws'
import { startUpstream, type UpstreamService } from '../support/upstream-service.ts'
import { startAuthDouble, type AuthDouble, type SigningKey } from '../support/auth-double.ts'
import { startGateway, type TestGateway } from '../support/gateway.ts'
import { signToken } from '../support/tokens.ts'
import { bearer, call } from '../support/http.ts'

describe('forwarding through the gateway', () => {
  let catalog: UpstreamService
  let order: UpstreamService
  let party: UpstreamService
  let auth: AuthDouble
  let key: SigningKey
  let gateway: TestGateway

  before(async () => {
    ;[catalog, order, party, auth] = await Promise.all([
      startUpstream('catalog'),
      startUpstream('order'),
      startUpstream('party'),
      startAuthDouble(),
    ])
    key = await auth.addKey()
    gateway = await startGateway(
      { auth: auth.url, catalog: catalog.url, order: order.url, party: party.url },
      { UPSTREAM_TIMEOUT_MS: '300', CORS_ORIGINS: 'https://shop.example' },
    )
  })
  after(async () => {
    await gateway.close()
    await Promise.all([catalog.close(), order.close(), party.close(), auth.close()])
  })

  test('each public prefix reaches its own service with the prefix removed', async () => {
    const res = await call(`${gateway.url}/api/orders/echo?x=1`)
    assert.equal(res.status, 200)
    assert.equal(res.body.instance, 'order')
    assert.equal(res.body.url, '/echo?x=1')
  })

  test('a list at the bare prefix keeps its query: /api/orders?limit=1 reaches the service as /?limit=1', async () => {
    for (const [path, upstream] of [
      ['/api/orders?limit=1&status=PAID', '/?limit=1&status=PAID'],
      ['/api/orders', '/'],
      ['/api/orders/?limit=2', '/?limit=2'],
      ['/seller/v1/sales?limit=3', '/seller/v1/sales?limit=3'],
    ] as const) {
      const res = await call(`${gateway.url}${path}`)
      assert.equal(res.status, 200, `${path}: ${JSON.stringify(res.body)}`)
      assert.equal(res.body.url, upstream, path)
    }
  })

  test('the seller API keeps its /seller/v1 path upstream and goes to the owning service', async () => {
    const sales = await call(`${gateway.url}/seller/v1/sales/today`)
    assert.equal(sales.body.instance, 'order')
    assert.equal(sales.body.url, '/seller/v1/sales/today')
    const products = await call(`${gateway.url}/seller/v1/products`)
    assert.equal(products.body.instance, 'catalog')
  })

  for (const path of [
    '/api/catalog/internal/secret',
    '/api/catalog/%69nternal/secret',
    '/api/catalog//internal/secret',
    '/api/foo/internal/x',
  ]) {
    test(`${path} is never forwarded (404)`, async () => {
      const before = catalog.hits('/internal/secret')
      const res = await call(`${gateway.url}${path}`)
      assert.equal(res.status, 404)
      assert.match(res.headers.get('content-type') ?? '', /application\/problem\+json/)
      assert.equal(catalog.hits('/internal/secret'), before)
    })
  }

  test('an upstream that is down is a 503 SERVICE_UNAVAILABLE problem', async () => {
    const res = await call(`${gateway.url}/api/queue/deals/1/entries/me`)
    assert.equal(res.status, 503)
    assert.match(res.headers.get('content-type') ?? '', /application\/problem\+json/)
    assert.equal(res.body.code, 'SERVICE_UNAVAILABLE')
  })

  test('an upstream that does not answer in time is a 504 GATEWAY_TIMEOUT problem', async () => {
    const res = await call(`${gateway.url}/api/catalog/slow`)
    assert.equal(res.status, 504)
    assert.equal(res.body.code, 'GATEWAY_TIMEOUT')
  })

  test('a JSON body is forwarded unchanged', async () => {
    const res = await call(`${gateway.url}/api/catalog/echo`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'kimchi', quantity: 3 }),
    })
    assert.equal(res.status, 200)
    assert.deepEqual(res.body.body, { name: 'kimchi', quantity: 3 })
  })

  test('a purchase is forwarded whole: its query, body and asserted headers reach the order service, hop-by-hop headers do not, the answer comes back as sent', async () => {
    const token = await signToken(key)
    // node:http, which sends a Connection header as given (fetch and undici do not).
    const res = await new Promise<{ statusCode: number; headers: Record<string, unknown>; text: string }>(
      (resolve, reject) => {
        const sent = httpRequest(
          `${gateway.url}/api/orders?via=test`,
          {
            method: 'POST',
            headers: {
              ...bearer(token),
              'content-type': 'application/json',
              'idempotency-key': 'whole-1',
              'x-user-id': 'spoofed',
              connection: 'keep-alive, x-drop-me',
              'x-drop-me': 'listed in Connection',
            },
          },
          (answer) => {
            let text = ''
            answer.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')))
            answer.on('end', () => resolve({ statusCode: answer.statusCode!, headers: answer.headers, text }))
          },
        )
        sent.on('error', reject)
        sent.end(JSON.stringify({ dealId: randomUUID(), quantity: 1, paymentMethod: 'WALLET' }))
      },
    )
    const body = JSON.parse(res.text) as {
      url: string
      identity: { userId: string }
      headers: Record<string, string>
      body: { quantity: number }
    }
    assert.equal(res.statusCode, 200)
    assert.match(String(res.headers['content-type']), /application\/json/)
    assert.equal(body.url, '/?via=test')
    assert.equal(body.body.quantity, 1)
    assert.notEqual(body.identity.userId, 'spoofed')
    assert.equal(body.headers['idempotency-key'], 'whole-1')
    assert.equal(body.headers.authorization, undefined)
    assert.equal(body.headers['x-drop-me'], undefined)
    assert.equal(body.headers.host, new URL(order.url).host)
  })

  test('a purchase whose answer is larger than any purchase answer is a 503, not passed on', async () => {
    const res = await call(`${gateway.url}/api/orders`, {
      method: 'POST',
      headers: { ...bearer(await signToken(key)), 'content-type': 'application/json' },
      body: JSON.stringify({ answerPadding: 20 * 1024 }),
    })
    assert.equal(res.status, 503)
    assert.equal(res.body.code, 'SERVICE_UNAVAILABLE')
  })

  test('a body over the limit with a content-length is refused with 413 before forwarding', async () => {
    const before = catalog.hits('/echo')
    const res = await call(`${gateway.url}/api/catalog/echo`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'x'.repeat(5000) }),
    })
    assert.equal(res.status, 413)
    assert.equal(res.body.code, 'PAYLOAD_TOO_LARGE')
    assert.equal(catalog.hits('/echo'), before)
  })

  test('an image upload may exceed the general body limit, up to the image limit', async () => {
    const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47]), Buffer.alloc(4000, 1)])
    const accepted = await call(`${gateway.url}/api/catalog/echo`, {
      method: 'POST',
      headers: { 'content-type': 'image/png' },
      body: png,
    })
    assert.equal(accepted.status, 200)
    assert.deepEqual(accepted.body.body, { imageBytes: png.length })
    const before = catalog.hits('/echo')
    const tooLarge = await call(`${gateway.url}/api/catalog/echo`, {
      method: 'POST',
      headers: { 'content-type': 'image/png' },
      body: Buffer.alloc(9000, 1),
    })
    assert.equal(tooLarge.status, 413)
    assert.equal(catalog.hits('/echo'), before)
  })

  test('a chunked body over the limit is refused with 413 before forwarding', async () => {
    const before = catalog.hits('/echo')
    async function* chunks() {
      for (let i = 0; i < 10; i++) yield Buffer.from('x'.repeat(500))
    }
    const res = await undiciRequest(`${gateway.url}/api/catalog/echo`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: Readable.from(chunks()),
    })
    const problem = (await res.body.json()) as { code: string }
    assert.equal(res.statusCode, 413)
    assert.equal(problem.code, 'PAYLOAD_TOO_LARGE')
    assert.equal(catalog.hits('/echo'), before)
  })

  test(
    'server-sent events arrive through the gateway one by one, not buffered',
    { timeout: 5_000 },
    async () => {
      const res = await undiciRequest(`${gateway.url}/api/catalog/events`)
      assert.equal(res.statusCode, 200)
      assert.match(String(res.headers['content-type']), /text\/event-stream/)
      const reader = res.body[Symbol.asyncIterator]()
      let received = ''
      while (!received.includes('data: one')) received += String((await reader.next()).value)
      assert.doesNotMatch(received, /data: two/)
      catalog.releaseSecondEvent()
      for (let next = await reader.next(); !next.done; next = await reader.next())
        received += String(next.value)
      assert.match(received, /event: second\ndata: two/)
    },
  )

  test(
    'a websocket message echoes through the gateway, carrying the verified identity',
    { timeout: 5_000 },
    async () => {
      const userId = randomUUID()
      const socket = new WebSocket(`${gateway.url.replace('http', 'ws')}/api/party/parties/1/chat`, {
        headers: bearer(await signToken(key, { sub: userId })),
      })
      try {
        await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject))
        const reply = new Promise<string>((resolve) =>
          socket.once('message', (data) => resolve(String(data))),
        )
        socket.send('hello')
        assert.equal(await reply, `${userId}:hello`)
      } finally {
        socket.close()
      }
    },
  )

  test(
    'a browser websocket may authenticate with access_token in the query',
    { timeout: 5_000 },
    async () => {
      const userId = randomUUID()
      const token = await signToken(key, { sub: userId })
      const socket = new WebSocket(
        `${gateway.url.replace('http', 'ws')}/api/party/parties/1/chat?access_token=${token}`,
      )
      try {
        await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject))
        const reply = new Promise<string>((resolve) =>
          socket.once('message', (data) => resolve(String(data))),
        )
        socket.send('hi')
        assert.equal(await reply, `${userId}:hi`)
      } finally {
        socket.close()
      }
    },
  )

  test('a websocket with a bad token is refused at the handshake', { timeout: 5_000 }, async () => {
    const socket = new WebSocket(`${gateway.url.replace('http', 'ws')}/api/party/parties/1/chat`, {
      headers: bearer('garbage'),
    })
    const status = await new Promise<number>((resolve) => {
      socket.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0))
      socket.once('open', () => resolve(101))
    })
    socket.on('error', () => {})
    socket.terminate()
    assert.equal(status, 401)
  })

  test('a websocket whose upstream is down is refused at the handshake with a 503 problem', async () => {
    const socket = new WebSocket(`${gateway.url.replace('http', 'ws')}/api/notifications/stream`, {
      headers: bearer(await signToken(key, { sub: randomUUID() })),
    })
    socket.on('error', () => {})
    const answer = await new Promise<{ status: number; type: string; body: string }>((resolve, reject) => {
      socket.once('unexpected-response', (_req, res) => {
        let body = ''
        res.on('data', (chunk) => (body += String(chunk)))
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, type: res.headers['content-type'] ?? '', body }),
        )
      })
      socket.once('open', () => reject(new Error('the socket opened')))
    })
    socket.terminate()
    assert.equal(answer.status, 503)
    assert.match(answer.type, /application\/problem\+json/)
    assert.equal((JSON.parse(answer.body) as { code: string }).code, 'SERVICE_UNAVAILABLE')
  })

  test('CORS preflight answers for a configured origin only', async () => {
    const preflight = (origin: string) =>
      fetch(`${gateway.url}/api/orders`, {
        method: 'OPTIONS',
        headers: {
          origin,
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'authorization',
        },
      })
    const allowed = await preflight('https://shop.example')
    assert.equal(allowed.headers.get('access-control-allow-origin'), 'https://shop.example')
    const refused = await preflight('https://evil.example')
    assert.equal(refused.headers.get('access-control-allow-origin'), null)
  })
})
