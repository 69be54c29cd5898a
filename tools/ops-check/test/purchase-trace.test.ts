// One trace follows a purchase: the gateway's request, the order service placing it (PostgreSQL,
// Redis and the Lua reservation), the outbox relay's publish of the payment command, RabbitMQ,
// the payment service consuming it and publishing its reply, and the order service consuming
// that. The services run as processes with the telemetry hook their containers load, and export
// over OTLP to a receiver in this test, so what is checked is what a collector would get.
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { createTestVhost, type TestVhost } from '@deals/testing'
import { announceDeal } from '../src/deal-announcement.ts'
import { startOtlpReceiver, SpanKind, type OtlpReceiver, type ReceivedSpan } from '../src/otlp-receiver.ts'
import { PLATFORM, type ServiceName } from '../src/platform.ts'
import { freePort, startService, type RunningService } from '../src/service-process.ts'

const NAMES: ServiceName[] = ['auth', 'order', 'payment', 'gateway']
const ADMIN = { email: 'admin@deals.local', password: 'dev-admin-password-123' }

let receiver: OtlpReceiver
let vhost: TestVhost
const running = new Map<string, RunningService>()

before(async () => {
  receiver = await startOtlpReceiver()
  vhost = await createTestVhost('ops_trace')
  const ports = new Map<string, number>()
  for (const name of NAMES) ports.set(name, await freePort())
  const urls = Object.fromEntries([...ports].map(([name, port]) => [name, `http://127.0.0.1:${port}`]))
  for (const name of NAMES) {
    const service = PLATFORM.find((s) => s.name === name)!
    const started = await startService(service, ports.get(name)!, urls, {
      vhost,
      imports: ['@deals/service-kit/telemetry/register'],
      env: {
        OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
        OTEL_SERVICE_NAME: name,
        OTEL_BSP_SCHEDULE_DELAY: '100',
        LOG_LEVEL: name === 'order' ? 'info' : 'warn',
      },
    })
    running.set(name, started)
  }
})

after(async () => {
  await Promise.all([...running.values()].map((r) => r.stop()))
  await vhost?.drop()
  await receiver?.close()
})

async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(`${running.get('gateway')!.url}${path}`, {
    method,
    headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  const text = await res.text()
  return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} }
}

async function eventually<T>(
  what: string | (() => string),
  probe: () => Promise<T | undefined>,
  timeoutMs = 30_000,
) {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await probe()
    if (value !== undefined) return value
    if (Date.now() > deadline)
      assert.fail(`timed out waiting for ${typeof what === 'string' ? what : what()}`)
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
}

test('a purchase is one trace from the gateway through order, RabbitMQ and payment and back', async () => {
  const login = await call('POST', '/api/auth/login', ADMIN)
  assert.equal(login.status, 200, JSON.stringify(login.body))
  const auth = { authorization: `Bearer ${login.body.accessToken as string}` }
  const charged = await call(
    'POST',
    '/api/payments/wallet/charge',
    { amount: 50_000 },
    {
      ...auth,
      'idempotency-key': randomUUID(),
    },
  )
  assert.ok(charged.status === 200 || charged.status === 201, JSON.stringify(charged.body))

  const { dealId } = await announceDeal(vhost.url)
  await eventually('the order service to know the deal', async () => {
    const stock = await call('GET', `/api/orders/deals/${dealId}/stock`, undefined, auth)
    return stock.status === 200 ? stock : undefined
  })

  const placed = await call(
    'POST',
    '/api/orders',
    { dealId, quantity: 1, paymentMethod: 'WALLET' },
    {
      ...auth,
      'idempotency-key': randomUUID(),
    },
  )
  assert.equal(placed.status, 201, JSON.stringify(placed.body))
  const orderId = placed.body.orderId as string
  await eventually('the order to be paid', async () => {
    const order = await call('GET', `/api/orders/${orderId}`, undefined, auth)
    return order.body.status === 'PAID' ? order : undefined
  })

  const request = await eventually('the gateway span of the purchase', async () =>
    receiver.spans.find(
      (s) =>
        s.service === 'gateway' &&
        s.kind === SpanKind.SERVER &&
        String(s.attributes['http.target'] ?? s.attributes['url.path'] ?? '').startsWith('/api/orders') &&
        (s.attributes['http.method'] ?? s.attributes['http.request.method']) === 'POST',
    ),
  )
  const inTrace = () => receiver.spans.filter((s) => s.traceId === request.traceId)
  const find = (service: string, kind: number, name: string) =>
    inTrace().find((s) => s.service === service && s.kind === kind && s.name === name)
  const describe = (list: ReceivedSpan[]) =>
    list.map((s) => `${s.service}:${s.name}(${s.spanId}<-${s.parentSpanId || 'root'})`).join(', ')
  const reply = await eventually(
    () => `the order service consuming the payment reply, in the trace of ${describe(inTrace())}`,
    async () => find('order', SpanKind.CONSUMER, 'process payment.charge-succeeded.v1'),
  )
  const spans = inTrace()

  const commandPublish = find('order', SpanKind.PRODUCER, 'payment.charge-requested.v1 publish')
  const commandConsume = find('payment', SpanKind.CONSUMER, 'process payment.charge-requested.v1')
  const replyPublish = find('payment', SpanKind.PRODUCER, 'payment.charge-succeeded.v1 publish')
  assert.ok(commandPublish, `the command's publish in ${describe(spans)}`)
  assert.ok(commandConsume, 'the payment service consuming the command')
  assert.ok(replyPublish, 'the payment service publishing its reply')
  // Between a publish and its consume there may be the AMQP instrumentation's own publish span.
  const ancestors = (span: ReceivedSpan): string[] => {
    const parent = spans.find((s) => s.spanId === span.parentSpanId)
    return parent ? [parent.spanId, ...ancestors(parent)] : []
  }
  assert.ok(ancestors(commandConsume).includes(commandPublish.spanId), 'consume descends from publish')
  assert.ok(ancestors(reply).includes(replyPublish.spanId), 'the reply consume descends from its publish')
  assert.ok(ancestors(reply).includes(request.spanId), 'and all of it from the gateway request')

  // Instrumentations name the database in `db.system` or, under the newer conventions, `db.system.name`.
  const dbSystem = (s: ReceivedSpan) => s.attributes['db.system'] ?? s.attributes['db.system.name']
  const orderServer = spans.find((s) => s.service === 'order' && s.kind === SpanKind.SERVER)
  assert.ok(orderServer, 'the order service served the forwarded request in the trace')
  assert.ok(
    spans.some((s) => s.service === 'order' && dbSystem(s) === 'postgresql'),
    'PostgreSQL spans of the order service',
  )
  assert.ok(
    spans.some((s) => s.service === 'order' && dbSystem(s) === 'redis'),
    'Redis spans of the order service',
  )
  assert.ok(
    spans.some((s) => s.service === 'order' && s.name === 'stock.reserve'),
    `the Lua reservation's span in ${describe(spans.filter((s) => s.service === 'order'))}`,
  )
  assert.ok(
    spans.some((s) => s.service === 'payment' && dbSystem(s) === 'postgresql'),
    'PostgreSQL spans of the payment service',
  )

  const logged = running
    .get('order')!
    .output()
    .split('\n')
    .some((line) => line.includes(`"traceId":"${request.traceId}"`))
  assert.ok(logged, 'the order service logged a line carrying the trace id')
})
