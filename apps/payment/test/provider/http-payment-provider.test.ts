import { after, before, beforeEach, test } from 'node:test'
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import {
  createHttpPaymentProvider,
  type HttpPaymentProviderOptions,
  type ProviderCall,
} from '../../src/domain/provider/http-payment-provider.ts'
import {
  ProviderDeclined,
  ProviderUnavailable,
  type PaymentProvider,
} from '../../src/domain/provider/payment-provider.ts'
import { startSimulatorProcess, type SimulatorProcess } from './provider-simulator-process.ts'

let simulator: SimulatorProcess

before(async () => {
  simulator = await startSimulatorProcess()
})

after(async () => {
  await simulator.close()
})

// Every test starts from a quick, faultless provider and sets the faults it is about.
beforeEach(async () => {
  await simulator.config({
    latencyMs: 1,
    approveFailureRate: 0,
    serverErrorRate: 0,
    timeoutRate: 0,
    timeoutAppliedRate: 0.5,
    timeoutMs: 3000,
    timeoutNextCalls: 0,
  })
})

// Generous next to the quick simulator, so a loaded machine does not turn a slow answer into a retry.
const CLIENT_TIMEOUT_MS = 1000

function provider(options: Partial<HttpPaymentProviderOptions> = {}): PaymentProvider {
  return createHttpPaymentProvider({
    baseUrl: simulator.url,
    secretKey: simulator.secretKey,
    timeoutMs: CLIENT_TIMEOUT_MS,
    retries: 2,
    backoffMs: 10,
    ...options,
  })
}

function readyRequest(amount = 10_000) {
  const paymentId = randomUUID()
  return {
    paymentId,
    orderId: randomUUID(),
    amount,
    itemName: 'Jeju tangerines 5kg',
    buyerId: randomUUID(),
    idempotencyKey: `ready-${paymentId}`,
  }
}

async function approvedPayment(client: PaymentProvider, amount = 10_000) {
  const ready = await client.ready(readyRequest(amount))
  const pgToken = await simulator.authorize(ready.tid)
  await client.approve({ tid: ready.tid, pgToken, amount, idempotencyKey: randomUUID() })
  return ready.tid
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise
  } catch (error) {
    return error
  }
  assert.fail('expected the call to fail')
}

async function declinedCode(promise: Promise<unknown>): Promise<string> {
  const error = await rejection(promise)
  assert.ok(error instanceof ProviderDeclined, `expected ProviderDeclined, got ${String(error)}`)
  return error.providerCode
}

async function recordsOf(paymentId: string) {
  return (await simulator.payments()).filter((p) => p.partner_order_id === paymentId)
}

test('a payment goes ready -> buyer approval -> approved, then is cancelled in parts but never beyond what was taken', async () => {
  const calls: ProviderCall[] = []
  const client = provider({ onCall: (call) => calls.push(call) })
  const request = readyRequest(10_000)

  const ready = await client.ready(request)
  assert.match(ready.redirectUrl, new RegExp(`/v1/payment/checkout/${ready.tid}$`))
  assert.equal((await fetch(ready.redirectUrl)).status, 200)
  assert.equal((await client.lookup(ready.tid)).status, 'READY')

  const pgToken = await simulator.authorize(ready.tid)
  const approved = await client.approve({
    tid: ready.tid,
    pgToken,
    amount: 10_000,
    idempotencyKey: randomUUID(),
  })
  assert.equal(approved.tid, ready.tid)
  assert.equal(approved.amount, 10_000)
  assert.ok(approved.approvedAt instanceof Date)

  assert.deepEqual(await client.lookup(ready.tid), {
    tid: ready.tid,
    paymentId: request.paymentId,
    status: 'APPROVED',
    amount: 10_000,
    cancelledAmount: 0,
    approvedAt: approved.approvedAt,
  })

  const part = await client.cancel({
    tid: ready.tid,
    amount: 3_000,
    reason: 'one box returned',
    idempotencyKey: randomUUID(),
  })
  assert.equal(part.cancelledAmount, 3_000)
  assert.equal(part.totalCancelledAmount, 3_000)
  assert.equal((await client.lookup(ready.tid)).status, 'APPROVED')

  const rest = await client.cancel({
    tid: ready.tid,
    amount: 7_000,
    reason: 'order cancelled',
    idempotencyKey: randomUUID(),
  })
  assert.equal(rest.cancelledAmount, 7_000)
  assert.equal(rest.totalCancelledAmount, 10_000)
  const cancelled = await client.lookup(ready.tid)
  assert.equal(cancelled.status, 'CANCELLED')
  assert.equal(cancelled.cancelledAmount, 10_000)

  assert.equal(
    await declinedCode(
      client.cancel({ tid: ready.tid, amount: 1, reason: 'again', idempotencyKey: randomUUID() }),
    ),
    'ALREADY_CANCELLED',
  )
  assert.deepEqual(
    calls.map((c) => `${c.operation}:${c.outcome}:${c.attempts}`),
    [
      'ready:ok:1',
      'lookup:ok:1',
      'approve:ok:1',
      'lookup:ok:1',
      'cancel:ok:1',
      'lookup:ok:1',
      'cancel:ok:1',
      'lookup:ok:1',
      'cancel:declined:1',
    ],
  )
})

test('a cancel larger than what is left is declined and changes nothing', async () => {
  const client = provider()
  const tid = await approvedPayment(client, 5_000)
  await client.cancel({ tid, amount: 2_000, reason: 'partial', idempotencyKey: randomUUID() })

  assert.equal(
    await declinedCode(
      client.cancel({ tid, amount: 3_001, reason: 'too much', idempotencyKey: randomUUID() }),
    ),
    'CANCEL_AMOUNT_EXCEEDED',
  )
  assert.equal((await client.lookup(tid)).cancelledAmount, 2_000)
})

test("the provider's definite noes become ProviderDeclined with its code, without a retry", async () => {
  const calls: ProviderCall[] = []
  const client = provider({ onCall: (call) => calls.push(call) })
  const ready = await client.ready(readyRequest(8_000))

  assert.equal(
    await declinedCode(
      client.approve({ tid: ready.tid, pgToken: 'nope', amount: 8_000, idempotencyKey: randomUUID() }),
    ),
    'INVALID_PG_TOKEN',
  )
  const pgToken = await simulator.authorize(ready.tid)
  assert.equal(
    await declinedCode(
      client.approve({ tid: ready.tid, pgToken, amount: 7_999, idempotencyKey: randomUUID() }),
    ),
    'AMOUNT_MISMATCH',
  )
  assert.equal(
    await declinedCode(
      client.cancel({ tid: ready.tid, amount: 100, reason: 'x', idempotencyKey: randomUUID() }),
    ),
    'NOT_APPROVED',
  )
  assert.equal(await declinedCode(client.lookup('T-unknown')), 'PAYMENT_NOT_FOUND')
  assert.equal(await declinedCode(provider({ secretKey: 'wrong' }).lookup(ready.tid)), 'UNAUTHORIZED')

  await simulator.config({ approveFailureRate: 1 })
  assert.equal(
    await declinedCode(
      client.approve({ tid: ready.tid, pgToken, amount: 8_000, idempotencyKey: randomUUID() }),
    ),
    'CARD_DECLINED',
  )
  assert.equal((await client.lookup(ready.tid)).status, 'FAILED')
  await simulator.config({ approveFailureRate: 0 })
  assert.equal(
    await declinedCode(
      client.approve({ tid: ready.tid, pgToken, amount: 8_000, idempotencyKey: randomUUID() }),
    ),
    'INVALID_PAYMENT_STATUS',
  )

  const declined = calls.filter((c) => c.outcome === 'declined')
  assert.equal(declined.length, 6)
  assert.ok(declined.every((c) => c.attempts === 1))
})

for (const applied of [true, false]) {
  test(`an approve that times out ${applied ? 'after' : 'before'} the provider applied it is retried with the same key and approved exactly once`, async () => {
    const calls: ProviderCall[] = []
    const client = provider({ onCall: (call) => calls.push(call) })
    const request = readyRequest(12_000)
    const ready = await client.ready(request)
    const pgToken = await simulator.authorize(ready.tid)

    await simulator.config({ timeoutNextCalls: 1, timeoutAppliedRate: applied ? 1 : 0 })
    const approved = await client.approve({
      tid: ready.tid,
      pgToken,
      amount: 12_000,
      idempotencyKey: randomUUID(),
    })

    assert.equal(approved.amount, 12_000)
    assert.deepEqual(calls.at(-1) && [calls.at(-1)!.outcome, calls.at(-1)!.attempts], ['ok', 2])
    assert.ok(calls.at(-1)!.durationMs >= CLIENT_TIMEOUT_MS, 'the first attempt waited for its deadline')
    const lookedUp = await client.lookup(ready.tid)
    assert.equal(lookedUp.status, 'APPROVED')
    assert.equal(lookedUp.approvedAt?.getTime(), approved.approvedAt.getTime())
    const records = await recordsOf(request.paymentId)
    assert.equal(records.length, 1)
    assert.equal(records[0]!.status, 'APPROVED')
  })
}

test('a ready that times out is retried with the same key and opens one payment, not two', async () => {
  const client = provider()
  for (const applied of [1, 0]) {
    const request = readyRequest()
    await simulator.config({ timeoutNextCalls: 1, timeoutAppliedRate: applied })
    const ready = await client.ready(request)
    const records = await recordsOf(request.paymentId)
    assert.deepEqual(
      records.map((r) => r.tid),
      [ready.tid],
    )
  }
})

test('when every attempt times out the outcome is unknown (ProviderUnavailable) and a lookup tells how it ended', async () => {
  const calls: ProviderCall[] = []
  const client = provider({ retries: 2, onCall: (call) => calls.push(call) })
  const ready = await client.ready(readyRequest(9_000))
  const pgToken = await simulator.authorize(ready.tid)

  await simulator.config({ timeoutNextCalls: 3, timeoutAppliedRate: 1 })
  const approve = { tid: ready.tid, pgToken, amount: 9_000, idempotencyKey: randomUUID() }
  const error = await rejection(client.approve(approve))
  assert.ok(error instanceof ProviderUnavailable)
  assert.deepEqual([calls.at(-1)!.outcome, calls.at(-1)!.attempts], ['unavailable', 3])

  assert.equal((await client.lookup(ready.tid)).status, 'APPROVED')
  // The same key later gets the stored answer, never a second charge.
  const again = await client.approve(approve)
  assert.equal(again.amount, 9_000)
  assert.equal((await simulator.payments()).filter((p) => p.tid === ready.tid).length, 1)
})

test('5xx answers are retried, then reported as ProviderUnavailable', async () => {
  const calls: ProviderCall[] = []
  const client = provider({ retries: 3, onCall: (call) => calls.push(call) })
  await simulator.config({ serverErrorRate: 1 })
  const request = readyRequest()
  assert.ok((await rejection(client.ready(request))) instanceof ProviderUnavailable)
  assert.deepEqual([calls.at(-1)!.outcome, calls.at(-1)!.attempts], ['unavailable', 4])
  assert.deepEqual(await recordsOf(request.paymentId), [])
})

test('a provider that is not listening is ProviderUnavailable, not a crash', async () => {
  const client = createHttpPaymentProvider({
    baseUrl: 'http://127.0.0.1:9',
    secretKey: 'x',
    timeoutMs: 200,
    retries: 1,
    backoffMs: 1,
  })
  const error = await rejection(client.lookup('T1'))
  assert.ok(error instanceof ProviderUnavailable)
  assert.ok(error.cause, 'keeps the network error as its cause')
})

test('the same idempotency key replays the first answer; with a different body it is refused', async () => {
  const client = provider()
  const request = readyRequest(4_000)
  const first = await client.ready(request)
  assert.deepEqual(await client.ready(request), first)
  assert.equal(await declinedCode(client.ready({ ...request, amount: 4_001 })), 'IDEMPOTENCY_KEY_REUSED')

  const pgToken = await simulator.authorize(first.tid)
  const approve = { tid: first.tid, pgToken, amount: 4_000, idempotencyKey: randomUUID() }
  const approved = await client.approve(approve)
  assert.deepEqual(await client.approve(approve), approved)
  assert.equal(
    await declinedCode(client.approve({ ...approve, idempotencyKey: randomUUID() })),
    'ALREADY_APPROVED',
  )
  assert.equal((await recordsOf(request.paymentId)).length, 1)
})

test('with 30% declined approvals and 10% timeouts, 200 payments each end approved once or not at all, as the client was told', async () => {
  await simulator.config({
    latencyMinMs: 0,
    latencyMaxMs: 5,
    approveFailureRate: 0.3,
    timeoutRate: 0.1,
    timeoutAppliedRate: 0.5,
    timeoutMs: 400,
  })
  const calls: ProviderCall[] = []
  // One retry only, so some calls exhaust it and take the lookup path.
  const client = provider({ timeoutMs: 150, retries: 1, backoffMs: 10, onCall: (call) => calls.push(call) })
  const run = randomUUID().slice(0, 8)
  type Told = 'approved' | 'declined' | 'not-applied'
  const told = new Map<string, { tid: string; told: Told; viaLookup: boolean }>()

  // What the payment service does with an unknown outcome: ask again (same key) or look it up.
  async function settle<T>(call: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await call()
      } catch (error) {
        if (!(error instanceof ProviderUnavailable) || attempt === 20) throw error
      }
    }
  }

  async function pay(i: number): Promise<void> {
    const paymentId = `${run}-${i}`
    const amount = 1_000 * (1 + (i % 50))
    // A ready whose answer was lost is asked again with its key until it answers.
    const ready = await settle(() =>
      client.ready({
        paymentId,
        orderId: paymentId,
        amount,
        itemName: 'flash deal',
        buyerId: `buyer-${i}`,
        idempotencyKey: `ready-${paymentId}`,
      }),
    )
    const pgToken = await simulator.authorize(ready.tid)
    try {
      await client.approve({ tid: ready.tid, pgToken, amount, idempotencyKey: `approve-${paymentId}` })
      told.set(paymentId, { tid: ready.tid, told: 'approved', viaLookup: false })
    } catch (error) {
      if (error instanceof ProviderDeclined) {
        assert.equal(error.providerCode, 'CARD_DECLINED')
        told.set(paymentId, { tid: ready.tid, told: 'declined', viaLookup: false })
        return
      }
      assert.ok(error instanceof ProviderUnavailable)
      const { status } = await settle(() => client.lookup(ready.tid))
      const outcome: Record<string, Told> = { APPROVED: 'approved', FAILED: 'declined', READY: 'not-applied' }
      assert.ok(status in outcome, `unexpected status ${status}`)
      told.set(paymentId, { tid: ready.tid, told: outcome[status]!, viaLookup: true })
    }
  }

  const next = { i: 0 }
  await Promise.all(
    Array.from({ length: 20 }, async () => {
      while (next.i < 200) await pay(next.i++)
    }),
  )

  const records = (await simulator.payments()).filter((p) => p.partner_order_id.startsWith(`${run}-`))
  assert.equal(told.size, 200)
  assert.equal(records.length, 200, 'one provider payment per payment: no ready was applied twice')
  const expected: Record<Told, string> = { approved: 'APPROVED', declined: 'FAILED', 'not-applied': 'READY' }
  for (const record of records) {
    const answer = told.get(record.partner_order_id)!
    assert.equal(record.tid, answer.tid)
    assert.equal(record.status, expected[answer.told], `${record.partner_order_id} was told ${answer.told}`)
  }
  const approved = records.filter((r) => r.status === 'APPROVED').length
  const declined = records.filter((r) => r.status === 'FAILED').length
  assert.ok(approved > 100 && declined > 20, `approved ${approved}, declined ${declined}`)
  assert.ok(
    calls.some((c) => c.attempts > 1),
    'some calls timed out and were retried',
  )
})
