import { after, before, beforeEach, test } from 'node:test'
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import {
  configFromEnv,
  DEFAULT_CONFIG,
  startProviderSimulator,
  type ProviderSimulator,
} from '../src/index.ts'

let sim: ProviderSimulator

before(async () => {
  sim = await startProviderSimulator({ port: 0, secretKey: 'test-key', latencyMs: 0 })
})

after(async () => {
  await sim.close()
})

beforeEach(() => {
  sim.config({
    latencyMs: 0,
    approveFailureRate: 0,
    serverErrorRate: 0,
    timeoutRate: 0,
    timeoutNextCalls: 0,
    timeoutMs: 2_000,
    readyTtlMs: DEFAULT_CONFIG.readyTtlMs,
  })
})

interface Answer {
  status: number
  body: Record<string, unknown>
  replayed: boolean
}

async function api(
  method: 'GET' | 'POST',
  path: string,
  options: { body?: object; key?: string | null; auth?: string; timeoutMs?: number } = {},
): Promise<Answer> {
  const { body, key = randomUUID(), auth = 'SECRET_KEY test-key', timeoutMs = 5_000 } = options
  const response = await fetch(`${sim.url}${path}`, {
    method,
    headers: {
      authorization: auth,
      ...(body ? { 'content-type': 'application/json' } : {}),
      ...(method === 'POST' && key !== null ? { 'idempotency-key': key } : {}),
    },
    body: body ? JSON.stringify(body) : undefined,
    signal: AbortSignal.timeout(timeoutMs),
  })
  return {
    status: response.status,
    body: (await response.json()) as Record<string, unknown>,
    replayed: response.headers.get('idempotent-replayed') === 'true',
  }
}

async function until(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!condition()) {
    if (Date.now() > deadline) assert.fail('condition not met in time')
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
}

function readyBody(amount = 10_000) {
  return {
    partner_order_id: randomUUID(),
    partner_user_id: 'buyer-1',
    item_name: 'Hallabong <gift box>',
    total_amount: amount,
  }
}

async function ready(amount = 10_000): Promise<{ tid: string; partnerOrderId: string }> {
  const body = readyBody(amount)
  const answer = await api('POST', '/v1/payment/ready', { body })
  assert.equal(answer.status, 200)
  return { tid: answer.body.tid as string, partnerOrderId: body.partner_order_id }
}

async function authorize(tid: string): Promise<string> {
  const response = await fetch(`${sim.url}/v1/payment/checkout/${tid}/authorize`, { method: 'POST' })
  assert.equal(response.status, 200)
  return ((await response.json()) as { pg_token: string }).pg_token
}

function approve(tid: string, pgToken: string, amount: number, key?: string) {
  return api('POST', '/v1/payment/approve', { body: { tid, pg_token: pgToken, total_amount: amount }, key })
}

test('a payment is opened, authorized by the buyer on the provider page, approved once and cancelled in parts', async () => {
  const opened = await api('POST', '/v1/payment/ready', { body: readyBody(10_000) })
  assert.equal(opened.status, 200)
  const tid = opened.body.tid as string
  assert.equal(opened.body.next_redirect_url, `${sim.url}/v1/payment/checkout/${tid}`)

  const page = await fetch(opened.body.next_redirect_url as string)
  assert.equal(page.status, 200)
  assert.match(page.headers.get('content-type') ?? '', /text\/html/)
  const html = await page.text()
  assert.ok(html.includes('Hallabong &lt;gift box&gt;'), 'the item name is escaped')
  assert.ok(html.includes('10,000원'))

  const pgToken = await authorize(tid)
  assert.equal(await authorize(tid), pgToken, 'authorizing again hands back the same token')

  const approved = await approve(tid, pgToken, 10_000)
  assert.equal(approved.status, 200)
  assert.equal(approved.body.amount, 10_000)

  const cancel = (amount: number) =>
    api('POST', '/v1/payment/cancel', { body: { tid, cancel_amount: amount, reason: 'return' } })
  const first = await cancel(4_000)
  assert.deepEqual([first.status, first.body.status, first.body.remaining_amount], [200, 'APPROVED', 6_000])
  const tooMuch = await cancel(6_001)
  assert.deepEqual([tooMuch.status, tooMuch.body.code], [400, 'CANCEL_AMOUNT_EXCEEDED'])
  const rest = await cancel(6_000)
  assert.deepEqual([rest.body.status, rest.body.total_cancelled_amount], ['CANCELLED', 10_000])
  const again = await cancel(1)
  assert.deepEqual([again.status, again.body.code], [409, 'ALREADY_CANCELLED'])

  const order = await api('GET', `/v1/payment/order?tid=${tid}`)
  assert.equal(order.body.status, 'CANCELLED')
  assert.equal(order.body.cancelled_amount, 10_000)
  assert.deepEqual(
    (order.body.cancels as { amount: number }[]).map((c) => c.amount),
    [4_000, 6_000],
  )
})

test('approval is refused for a wrong token, a wrong amount, a second approval and an expired payment', async () => {
  const { tid } = await ready(5_000)
  assert.equal((await approve(tid, 'guess', 5_000)).body.code, 'INVALID_PG_TOKEN')
  const pgToken = await authorize(tid)
  const mismatch = await approve(tid, pgToken, 5_001)
  assert.deepEqual([mismatch.status, mismatch.body.code], [400, 'AMOUNT_MISMATCH'])
  assert.equal((await approve(tid, pgToken, 5_000)).status, 200)
  const twice = await approve(tid, pgToken, 5_000)
  assert.deepEqual([twice.status, twice.body.code], [409, 'ALREADY_APPROVED'])
  assert.equal((await approve('T-none', pgToken, 5_000)).body.code, 'PAYMENT_NOT_FOUND')

  sim.config({ readyTtlMs: 0 })
  const stale = await ready()
  const late = await fetch(`${sim.url}/v1/payment/checkout/${stale.tid}/authorize`, { method: 'POST' })
  assert.equal(late.status, 409)
  assert.equal((await api('GET', `/v1/payment/order?tid=${stale.tid}`)).body.status, 'EXPIRED')
})

test('the issuer declines the configured share of approvals, and a declined payment stays failed', async () => {
  sim.config({ approveFailureRate: 1 })
  const { tid } = await ready(3_000)
  const pgToken = await authorize(tid)
  const declined = await approve(tid, pgToken, 3_000)
  assert.deepEqual([declined.status, declined.body.code], [402, 'CARD_DECLINED'])
  sim.config({ approveFailureRate: 0 })
  assert.equal((await approve(tid, pgToken, 3_000)).body.code, 'INVALID_PAYMENT_STATUS')
  assert.equal(sim.payments().find((p) => p.tid === tid)?.status, 'FAILED')
})

test('one merchant order has one live payment; a new one is allowed only after the last failed or expired', async () => {
  const first = readyBody()
  assert.equal((await api('POST', '/v1/payment/ready', { body: first })).status, 200)
  const duplicate = await api('POST', '/v1/payment/ready', { body: first })
  assert.deepEqual([duplicate.status, duplicate.body.code], [409, 'DUPLICATE_PARTNER_ORDER_ID'])

  sim.config({ approveFailureRate: 1 })
  const listed = (await fetch(`${sim.url}/__admin/payments?partner_order_id=${first.partner_order_id}`).then(
    (response) => response.json(),
  )) as { tid: string }[]
  assert.equal(listed.length, 1)
  const tid = listed[0]!.tid
  await approve(tid, await authorize(tid), first.total_amount)
  assert.equal((await api('POST', '/v1/payment/ready', { body: first })).status, 200)
})

test('the same Idempotency-Key replays the stored answer, status and body; with another request it is a 422', async () => {
  const key = randomUUID()
  const body = readyBody()
  const first = await api('POST', '/v1/payment/ready', { body, key })
  const replay = await api('POST', '/v1/payment/ready', { body: { ...body }, key })
  assert.deepEqual([replay.status, replay.body, replay.replayed], [first.status, first.body, true])

  // A decline is an answer too: replayed as it was.
  const { tid } = await ready()
  const declineKey = randomUUID()
  const declined = await approve(tid, 'wrong', 10_000, declineKey)
  const replayedDecline = await approve(tid, 'wrong', 10_000, declineKey)
  assert.deepEqual([replayedDecline.status, replayedDecline.body], [declined.status, declined.body])

  const reused = await api('POST', '/v1/payment/ready', { body: { ...body, total_amount: 1 }, key })
  assert.deepEqual([reused.status, reused.body.code], [422, 'IDEMPOTENCY_KEY_REUSED'])
  const otherRoute = await api('POST', '/v1/payment/cancel', {
    body: { tid, cancel_amount: 1, reason: 'x' },
    key,
  })
  assert.equal(otherRoute.status, 422)
})

test('the merchant API needs the secret key, an Idempotency-Key on every mutation and a valid body', async () => {
  const noAuth = await api('GET', '/v1/payment/order?tid=T1', { auth: 'SECRET_KEY wrong' })
  assert.deepEqual([noAuth.status, noAuth.body.code], [401, 'UNAUTHORIZED'])
  const noKey = await api('POST', '/v1/payment/ready', { body: readyBody(), key: null })
  assert.deepEqual([noKey.status, noKey.body.code], [400, 'IDEMPOTENCY_KEY_REQUIRED'])
  for (const body of [
    { ...readyBody(), total_amount: 0 },
    { ...readyBody(), total_amount: 1.5 },
    { ...readyBody(), item_name: '' },
    { partner_order_id: 'x' },
  ]) {
    const bad = await api('POST', '/v1/payment/ready', { body })
    assert.deepEqual([bad.status, bad.body.code], [400, 'INVALID_REQUEST'], JSON.stringify(body))
  }
  assert.equal(sim.payments().filter((p) => p.partner_order_id === 'x').length, 0)
  const broken = await fetch(`${sim.url}/v1/payment/ready`, {
    method: 'POST',
    headers: {
      authorization: 'SECRET_KEY test-key',
      'idempotency-key': 'k',
      'content-type': 'application/json',
    },
    body: '{"partner_order_id":',
  })
  assert.deepEqual(
    [broken.status, ((await broken.json()) as { code: string }).code],
    [400, 'INVALID_REQUEST'],
  )
})

test('a call that times out either applied its effect before the hang or not at all; a retry with the key settles it', async () => {
  for (const applied of [true, false]) {
    sim.config({ timeoutNextCalls: 1, timeoutAppliedRate: applied ? 1 : 0, timeoutMs: 1_500 })
    const body = readyBody()
    const key = randomUUID()
    await assert.rejects(api('POST', '/v1/payment/ready', { body, key, timeoutMs: 300 }), {
      name: 'TimeoutError',
    })
    // The held call has had its fate (and, if applied, its effect) once it used up the forced timeout.
    await until(() => sim.config().timeoutNextCalls === 0)
    const found = () => sim.payments().filter((p) => p.partner_order_id === body.partner_order_id)
    assert.equal(found().length, applied ? 1 : 0)

    const retry = await api('POST', '/v1/payment/ready', { body, key })
    assert.deepEqual([retry.status, retry.replayed], [200, applied])
    assert.equal(found().length, 1)
  }
})

test('a held answer arrives late; a 503 changes nothing', async () => {
  sim.config({ timeoutNextCalls: 1, timeoutAppliedRate: 0, timeoutMs: 50 })
  const lost = await api('POST', '/v1/payment/ready', { body: readyBody() })
  assert.deepEqual([lost.status, lost.body.code], [504, 'PROVIDER_TIMEOUT'])

  sim.config({ serverErrorRate: 1 })
  const body = readyBody()
  const failed = await api('POST', '/v1/payment/ready', { body })
  assert.deepEqual([failed.status, failed.body.code], [503, 'PROVIDER_ERROR'])
  assert.equal(sim.payments().filter((p) => p.partner_order_id === body.partner_order_id).length, 0)
})

test('latency and faults are configured over HTTP; a bad config is refused whole', async () => {
  const set = (body: object) =>
    fetch(`${sim.url}/__admin/config`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    })
  const ok = await set({ latencyMs: 30, timeoutRate: 0.25 })
  assert.equal(ok.status, 200)
  assert.deepEqual(
    (({ latencyMinMs, latencyMaxMs, timeoutRate }) => ({ latencyMinMs, latencyMaxMs, timeoutRate }))(
      (await ok.json()) as typeof DEFAULT_CONFIG,
    ),
    { latencyMinMs: 30, latencyMaxMs: 30, timeoutRate: 0.25 },
  )
  sim.config({ timeoutRate: 0 })
  const started = performance.now()
  await api('GET', '/v1/payment/order?tid=T1')
  assert.ok(performance.now() - started >= 25, 'the answer waited for the latency')

  for (const body of [{ timeoutRate: 1.5 }, { latencyMinMs: 10, latencyMaxMs: 5 }, { surprise: 1 }]) {
    const bad = await set(body)
    assert.equal(bad.status, 400, JSON.stringify(body))
  }
  assert.equal(sim.config().latencyMinMs, 30)
})

test('closing the simulator does not wait for answers it is holding', async () => {
  const other = await startProviderSimulator({
    port: 0,
    latencyMs: 0,
    timeoutNextCalls: 1,
    timeoutMs: 60_000,
  })
  const held = fetch(`${other.url}/v1/payment/order?tid=T1`, {
    headers: { authorization: `SECRET_KEY ${other.secretKey}` },
  }).catch((error: unknown) => error)
  await new Promise((resolve) => setTimeout(resolve, 50))
  const started = performance.now()
  await other.close()
  assert.ok(performance.now() - started < 2_000)
  await held
})

test('the environment sets the knobs, and a bad value is named', () => {
  assert.deepEqual(
    configFromEnv({ PAYMENT_PROVIDER_LATENCY_MS: '20-80', PAYMENT_PROVIDER_TIMEOUT_RATE: '0.1' }),
    { latencyMinMs: 20, latencyMaxMs: 80, timeoutRate: 0.1 },
  )
  assert.deepEqual(configFromEnv({ PAYMENT_PROVIDER_LATENCY_MS: '5' }), { latencyMinMs: 5, latencyMaxMs: 5 })
  assert.throws(() => configFromEnv({ PAYMENT_PROVIDER_TIMEOUT_MS: 'soon' }), /PAYMENT_PROVIDER_TIMEOUT_MS/)
})
