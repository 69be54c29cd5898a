// Operators' way out for a payment whose provider job pg-boss gave up on, against the provider
// simulator over real HTTP and the saga over real RabbitMQ: the payment is listed as stuck, a
// retry schedules its step again (ready, reconcile or cancel) and the payment moves on once; only
// an admin may look or retry, only a payment waiting on a provider step can be retried, and bad
// input is a 4xx problem+json.
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { waitUntil } from '@deals/messaging/testing'
import { PG_CANCEL_JOB, PG_READY_JOB, PG_RECONCILE_JOB } from '../../src/domain/payments/pg-jobs.ts'
import {
  admin,
  assertLedgerBalanced,
  buyer,
  client,
  seller,
  sql,
  type TestPaymentApp,
} from '../support/test-payment-app.ts'
import { chargeCommand, refundCommand, type SagaDouble } from '../support/saga-messages.ts'
import type { SimulatorProcess } from '../provider/provider-simulator-process.ts'
import { startProviderStack, type ProviderStack } from '../support/provider-stack.ts'

describe('admin payments: stuck provider steps and their retry', () => {
  let sim: SimulatorProcess
  let t: TestPaymentApp
  let saga: SagaDouble
  let call: ReturnType<typeof client>
  const operator = admin()
  let stack: ProviderStack
  before(async () => {
    stack = await startProviderStack(
      { latencyMs: 5 },
      {
        PAYMENT_PROVIDER_TIMEOUT_MS: '1000',
        // The safety-net reconcile must not finish the approval by itself during the test.
        PG_RECONCILE_DELAY_SECONDS: '3600',
      },
    )
    ;({ sim, t, saga } = stack)
    call = client(t)
  })
  after(() => stack.close())

  /** A PG charge, ready at the provider, and the buyer's token from the provider's page. */
  async function readyAndAuthorized() {
    const command = chargeCommand({ method: 'PG', amount: 23_000 })
    await saga.charge(command)
    const [reply] = await saga.awaitReplies(command.orderId)
    assert.equal(reply?.name, 'payment.approval-required.v1')
    const paymentId = reply?.payload.paymentId as string
    const pgToken = await sim.authorize(
      (await sim.payments()).find((p) => p.partner_order_id === paymentId)!.tid,
    )
    return { command, paymentId, pgToken }
  }

  /** Moves the payment's last change back, as if the time had passed. */
  const age = (paymentId: string) =>
    sql(t, `UPDATE payments SET updated_at = now() - interval '11 minutes' WHERE id = $1`, [paymentId])

  const stateOf = async (paymentId: string) =>
    (await sql<{ state: string }>(t, `SELECT state FROM payments WHERE id = $1`, [paymentId]))[0]?.state

  const listed = async (query: string) => {
    const res = await call('GET', `/admin/payments?${query}`, { as: operator })
    assert.equal(res.statusCode, 200, res.body)
    return res.json() as { items: { id: string; state: string; stuck: boolean }[]; nextCursor: string | null }
  }

  test('an approval whose reconcile job pg-boss gave up on is listed as stuck; a retry pays it once', async () => {
    const { command, paymentId, pgToken } = await readyAndAuthorized()
    // The provider never receives the approval: every attempt of the client times out.
    await sim.config({ timeoutNextCalls: 3, timeoutAppliedRate: 0, timeoutMs: 3_000 })
    const approve = await call('POST', `/${paymentId}/approve`, {
      as: buyer(command.userId),
      body: { pgToken },
    })
    assert.equal(approve.statusCode, 503, approve.body)
    assert.equal(await stateOf(paymentId), 'APPROVING')

    // pg-boss gives up on the reconcile job, as it does after an hour of provider outage.
    const failed = await sql(
      t,
      `UPDATE pgboss.job SET state = 'failed', completed_on = now()
        WHERE name = $1 AND data->'data'->>'paymentId' = $2 RETURNING id`,
      [PG_RECONCILE_JOB, paymentId],
    )
    assert.equal(failed.length, 1, 'the approval had its reconcile job')
    assert.equal(await t.app.jobs.pending(PG_RECONCILE_JOB), 0)
    await age(paymentId)
    // A payment waiting on the buyer is not stuck however old it is.
    const waiting = await readyAndAuthorized()
    await age(waiting.paymentId)

    const stuck = await listed('stuck=true')
    assert.deepEqual(
      stuck.items.map((p) => [p.id, p.state, p.stuck]),
      [[paymentId, 'APPROVING', true]],
    )
    assert.deepEqual(
      (await listed('state=READY')).items.map((p) => [p.id, p.stuck]),
      [[waiting.paymentId, false]],
    )
    const metrics = await t.app.inject({ method: 'GET', url: '/metrics' })
    assert.match(metrics.body, /^payment_payments_stuck\{[^}]*state="APPROVING"[^}]*\} 1$/m)

    const retry = await call('POST', `/admin/payments/${paymentId}/retry`, { as: operator })
    assert.equal(retry.statusCode, 202, retry.body)
    assert.equal(retry.json().id, paymentId)
    assert.equal(retry.json().state, 'APPROVING')
    assert.equal(retry.json().stuck, false)

    await waitUntil(async () => (await stateOf(paymentId)) === 'PAID', { timeoutMs: 30_000 })
    const atProvider = (await sim.payments()).filter((p) => p.partner_order_id === paymentId)
    assert.deepEqual(
      atProvider.map((p) => [p.status, p.total_amount, p.cancelled_amount]),
      [['APPROVED', 23_000, 0]],
    )
    const bookings = await sql<{ kind: string; amount: string }>(
      t,
      `SELECT kind, amount::text FROM ledger_transactions WHERE payment_id = $1`,
      [paymentId],
    )
    assert.deepEqual(bookings, [{ kind: 'PAYMENT', amount: '23000' }])
    const [, paid] = await saga.awaitReplies(command.orderId, 2)
    assert.equal(paid?.name, 'payment.charge-succeeded.v1')
    assert.equal(saga.repliesFor(command.orderId).length, 2, 'one charge-succeeded')
    assert.deepEqual((await listed('stuck=true')).items, [])
    await assertLedgerBalanced(t)

    const again = await call('POST', `/admin/payments/${paymentId}/retry`, { as: operator })
    assert.equal(again.statusCode, 409)
    assert.match(String(again.headers['content-type']), /^application\/problem\+json/)
    assert.equal(again.json().code, 'PAYMENT_NOT_RETRYABLE')
    assert.equal(again.json().paymentState, 'PAID')
    const waitingRetry = await call('POST', `/admin/payments/${waiting.paymentId}/retry`, { as: operator })
    assert.equal(waitingRetry.json().code, 'PAYMENT_NOT_RETRYABLE')
    assert.equal(waitingRetry.json().paymentState, 'READY')
  })

  test('a refund whose cancel job pg-boss gave up on is retried and returned once at the provider', async () => {
    const { command, paymentId, pgToken } = await readyAndAuthorized()
    const approve = await call('POST', `/${paymentId}/approve`, {
      as: buyer(command.userId),
      body: { pgToken },
    })
    assert.equal(approve.json().state, 'PAID', approve.body)
    // The provider is down: the cancel job fails and waits for its next try, when pg-boss gives up.
    await sim.config({ serverErrorRate: 1 })
    try {
      await saga.refund(refundCommand(command))
      await waitUntil(
        async () =>
          (
            await sql(
              t,
              `UPDATE pgboss.job SET state = 'failed', completed_on = now()
                WHERE name = $1 AND data->'data'->>'paymentId' = $2 AND state = 'retry' RETURNING id`,
              [PG_CANCEL_JOB, paymentId],
            )
          ).length === 1,
        { timeoutMs: 20_000, message: 'the cancel job failed once and waits to retry' },
      )
    } finally {
      await sim.config({ serverErrorRate: 0 })
    }
    assert.equal(await stateOf(paymentId), 'REFUNDING')
    await age(paymentId)
    assert.deepEqual(
      (await listed('stuck=true&state=REFUNDING')).items.map((p) => p.id),
      [paymentId],
    )

    const retry = await call('POST', `/admin/payments/${paymentId}/retry`, { as: operator })
    assert.equal(retry.statusCode, 202, retry.body)
    await waitUntil(async () => (await stateOf(paymentId)) === 'REFUNDED', { timeoutMs: 30_000 })
    const [atProvider] = (await sim.payments()).filter((p) => p.partner_order_id === paymentId)
    assert.equal(atProvider?.status, 'CANCELLED')
    assert.equal(atProvider?.cancels.length, 1, 'one cancel at the provider')
    assert.equal(atProvider?.cancelled_amount, 23_000)
    const kinds = await sql<{ kind: string }>(
      t,
      `SELECT kind FROM ledger_transactions WHERE payment_id = $1 ORDER BY id`,
      [paymentId],
    )
    assert.deepEqual(
      kinds.map((k) => k.kind),
      ['PAYMENT', 'REFUND'],
    )
    const replies = await saga.awaitReplies(command.orderId, 3)
    assert.deepEqual(
      replies.map((r) => r.name),
      ['payment.approval-required.v1', 'payment.charge-succeeded.v1', 'payment.refund-completed.v1'],
    )
    await assertLedgerBalanced(t)
  })

  test('a charge whose ready job pg-boss gave up on is retried: READY at the provider once, approval asked once', async () => {
    const command = chargeCommand({ method: 'PG', amount: 17_000 })
    let paymentId: string | undefined
    // The provider is down: the ready job fails and waits for its next try, when pg-boss gives up.
    await sim.config({ serverErrorRate: 1 })
    try {
      await saga.charge(command)
      await waitUntil(
        async () => {
          paymentId ??= (
            await sql<{ id: string }>(t, `SELECT id FROM payments WHERE order_id = $1`, [command.orderId])
          )[0]?.id
          if (!paymentId) return false
          const failed = await sql(
            t,
            `UPDATE pgboss.job SET state = 'failed', completed_on = now()
              WHERE name = $1 AND data->'data'->>'paymentId' = $2 AND state = 'retry' RETURNING id`,
            [PG_READY_JOB, paymentId],
          )
          return failed.length === 1
        },
        { timeoutMs: 20_000, message: 'the ready job failed once and waits to retry' },
      )
    } finally {
      await sim.config({ serverErrorRate: 0 })
    }
    assert.ok(paymentId)
    const id = paymentId
    assert.equal(await stateOf(id), 'PREPARING')
    assert.equal(await t.app.jobs.pending(PG_READY_JOB), 0)
    assert.deepEqual(saga.repliesFor(command.orderId), [], 'no reply while the provider is down')
    await age(id)
    assert.deepEqual(
      (await listed('stuck=true&state=PREPARING')).items.map((p) => [p.id, p.stuck]),
      [[id, true]],
    )

    const retry = await call('POST', `/admin/payments/${id}/retry`, { as: operator })
    assert.equal(retry.statusCode, 202, retry.body)
    assert.equal(retry.json().state, 'PREPARING')
    await waitUntil(async () => (await stateOf(id)) === 'READY', { timeoutMs: 30_000 })
    const atProvider = (await sim.payments()).filter((p) => p.partner_order_id === id)
    assert.deepEqual(
      atProvider.map((p) => [p.status, p.total_amount]),
      [['READY', 17_000]],
    )
    const [reply] = await saga.awaitReplies(command.orderId)
    assert.equal(reply?.name, 'payment.approval-required.v1')
    assert.equal(reply?.payload.paymentId, id)
    assert.equal(saga.repliesFor(command.orderId).length, 1, 'one approval-required')
    assert.deepEqual((await listed('stuck=true')).items, [])
    await assertLedgerBalanced(t)
  })

  test('the list pages newest first through every payment, by state', async () => {
    const ids = await sql<{ id: string }>(t, `SELECT id FROM payments ORDER BY id DESC`)
    assert.ok(ids.length >= 2, 'the payments of the other test are there')
    const seen: string[] = []
    let cursor: string | null = null
    do {
      const page = await listed(`limit=1${cursor ? `&cursor=${cursor}` : ''}`)
      assert.ok(page.items.length <= 1)
      seen.push(...page.items.map((p) => p.id))
      cursor = page.nextCursor
    } while (cursor)
    assert.deepEqual(
      seen,
      ids.map((r) => r.id),
    )
    const paid = (await listed('state=PAID')).items
    assert.ok(paid.length > 0 && paid.every((p) => p.state === 'PAID'), 'only PAID payments')
  })

  test('only an admin may list or retry; an unknown payment is 404', async () => {
    const someone = randomUUID()
    for (const who of [buyer(), seller()]) {
      for (const [method, url] of [
        ['GET', '/admin/payments?stuck=true'],
        ['POST', `/admin/payments/${someone}/retry`],
      ] as const) {
        const res = await call(method, url, { as: who })
        assert.equal(res.statusCode, 403, `${who.roles.join()} ${method} ${url}`)
        assert.equal(res.json().code, 'FORBIDDEN')
      }
    }
    const unknown = await call('POST', `/admin/payments/${someone}/retry`, { as: operator })
    assert.equal(unknown.statusCode, 404)
    assert.equal(unknown.json().code, 'PAYMENT_NOT_FOUND')
  })

  test('bad input is a 4xx problem+json with a code', async () => {
    for (const [method, url, code] of [
      ['GET', '/admin/payments?state=STUCK', 'VALIDATION_FAILED'],
      ['GET', '/admin/payments?stuck=yes', 'VALIDATION_FAILED'],
      ['GET', '/admin/payments?limit=0', 'VALIDATION_FAILED'],
      ['GET', '/admin/payments?userId=x', 'VALIDATION_FAILED'],
      ['GET', '/admin/payments?cursor=bm90LWpzb24', 'INVALID_CURSOR'],
      ['POST', '/admin/payments/not-a-payment/retry', 'VALIDATION_FAILED'],
    ] as const) {
      const res = await call(method, url, { as: operator })
      assert.equal(res.statusCode, 400, `${method} ${url}: ${res.body}`)
      assert.match(String(res.headers['content-type']), /^application\/problem\+json/)
      assert.equal(res.json().code, code, `${method} ${url}`)
    }
  })
})
