// How the client reads answers the simulator never gives: a gateway's HTML error page, a cut-off
// or malformed success. A tiny scripted HTTP server on port 0 plays the provider.
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { once } from 'node:events'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import {
  createHttpPaymentProvider,
  type ProviderCall,
} from '../../src/domain/provider/http-payment-provider.ts'
import { ProviderDeclined, ProviderUnavailable } from '../../src/domain/provider/payment-provider.ts'

type Scripted = { status: number; type?: string; body: string }
let script: Scripted[] = []
const seen: { idempotencyKey: string | undefined; authorization: string | undefined }[] = []
let server: Server
let baseUrl: string

before(async () => {
  server = createServer((request, response) => {
    seen.push({
      idempotencyKey: request.headers['idempotency-key'] as string | undefined,
      authorization: request.headers.authorization,
    })
    const next = script.shift() ?? { status: 500, body: 'script ran out' }
    response.writeHead(next.status, { 'content-type': next.type ?? 'application/json' }).end(next.body)
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})

after(() => {
  server.close()
})

function client(calls: ProviderCall[]) {
  return createHttpPaymentProvider({
    baseUrl: `${baseUrl}/`,
    secretKey: 'k',
    timeoutMs: 1_000,
    retries: 2,
    backoffMs: 1,
    onCall: (call) => calls.push(call),
  })
}

const approveRequest = { tid: 'T1', pgToken: 'p', amount: 1_000, idempotencyKey: 'key-1' }
const approved = JSON.stringify({ tid: 'T1', amount: 1_000, approved_at: '2026-11-21T10:00:00.000Z' })

test("a proxy's HTML 502 is retried under the same key until the provider answers", async () => {
  const calls: ProviderCall[] = []
  script = [
    { status: 502, type: 'text/html', body: '<html>Bad Gateway</html>' },
    { status: 429, body: '{"code":"TOO_MANY_REQUESTS","message":"slow down"}' },
    { status: 200, body: approved },
  ]
  seen.length = 0
  const result = await client(calls).approve(approveRequest)
  assert.equal(result.approvedAt.toISOString(), '2026-11-21T10:00:00.000Z')
  assert.deepEqual(
    seen.map((s) => s.idempotencyKey),
    ['key-1', 'key-1', 'key-1'],
  )
  assert.ok(seen.every((s) => s.authorization === 'SECRET_KEY k'))
  assert.deepEqual([calls[0]!.outcome, calls[0]!.attempts], ['ok', 3])
})

test('a 4xx is a definite no even without a provider error body', async () => {
  const calls: ProviderCall[] = []
  script = [{ status: 404, type: 'text/html', body: '<h1>Not Found</h1>' }]
  const error = await client(calls)
    .lookup('T1')
    .catch((e: unknown) => e)
  assert.ok(error instanceof ProviderDeclined)
  assert.equal(error.providerCode, 'HTTP_404')
  assert.deepEqual([calls[0]!.outcome, calls[0]!.attempts], ['declined', 1])
})

test('a success the client cannot read is an unknown outcome, reported once and not retried', async () => {
  for (const body of ['{"tid":"T1"}', 'not json', '[]']) {
    const calls: ProviderCall[] = []
    script = [{ status: 200, body }]
    seen.length = 0
    const error = await client(calls)
      .approve(approveRequest)
      .catch((e: unknown) => e)
    assert.ok(error instanceof ProviderUnavailable, body)
    assert.equal(seen.length, 1, 'the same key would only replay the same answer')
    assert.deepEqual([calls[0]!.outcome, calls[0]!.attempts], ['unavailable', 1])
  }
})
