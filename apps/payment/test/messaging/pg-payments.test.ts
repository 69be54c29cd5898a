// The provider (PG) path against the bundled provider simulator over real HTTP and the saga over
// real RabbitMQ: ready -> buyer approval -> PAID and a refund through the provider's cancel; a
// declined approval fails the charge; an approval whose calls time out stays APPROVING and the
// reconcile job finishes it whichever way the provider says (applied or never received); a refund
// asked while the approval is in doubt is honoured once the outcome is known; an approval past
// payBy is refused and the charge fails as expired.
import { after, before, beforeEach, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { waitUntil } from '@deals/messaging/testing'
import { assertLedgerBalanced, buyer, client, sql, type TestPaymentApp } from '../support/test-payment-app.ts'
import {
  chargeCommand,
  refundCommand,
  type ChargeCommand,
  type SagaDouble,
} from '../support/saga-messages.ts'
import type { SimulatorProcess } from '../provider/provider-simulator-process.ts'
import { startProviderStack, type ProviderStack } from '../support/provider-stack.ts'

describe('PG payments against the provider simulator', () => {
  let sim: SimulatorProcess
  let t: TestPaymentApp
  let saga: SagaDouble
  let call: ReturnType<typeof client>
  let stack: ProviderStack
  before(async () => {
    stack = await startProviderStack(
      { latencyMs: 5 },
      {
        PAYMENT_PROVIDER_TIMEOUT_MS: '1000',
        // Later than the client's three timed-out attempts, so the route sees them all fail first.
        PG_RECONCILE_DELAY_SECONDS: '6',
      },
    )
    ;({ sim, t, saga } = stack)
    call = client(t)
  })
  beforeEach(async () => {
    await sim.config({
      approveFailureRate: 0,
      timeoutNextCalls: 0,
      timeoutMs: 3_000,
      timeoutAppliedRate: 0.5,
    })
  })
  after(() => stack.close())

  /** Sends a PG charge and waits for the payment to be ready at the provider. */
  async function ready(overrides: Partial<ChargeCommand> = {}) {
    const command = chargeCommand({ method: 'PG', amount: 15_000, ...overrides })
    await saga.charge(command)
    const [reply] = await saga.awaitReplies(command.orderId)
    assert.equal(reply?.name, 'payment.approval-required.v1')
    return {
      command,
      paymentId: reply?.payload.paymentId as string,
      redirectUrl: reply?.payload.redirectUrl as string,
    }
  }

  /** The buyer on the provider's page: authorizes and comes back with the one-time token. */
  async function authorize(redirectUrl: string): Promise<string> {
    const res = await fetch(`${redirectUrl}/authorize`, { method: 'POST' })
    assert.equal(res.status, 200)
    return ((await res.json()) as { pg_token: string }).pg_token
  }

  const approve = (command: ChargeCommand, paymentId: string, pgToken: string) =>
    call('POST', `/${paymentId}/approve`, { as: buyer(command.userId), body: { pgToken } })

  const stateOf = async (paymentId: string) =>
    (await sql<{ state: string }>(t, `SELECT state FROM payments WHERE id = $1`, [paymentId]))[0]?.state

  const providerStatus = async (paymentId: string) =>
    (await sim.payments()).find((p) => p.partner_order_id === paymentId)?.status

  test('approve pays the order; a refund cancels at the provider and books the money back', async () => {
    const { command, paymentId, redirectUrl } = await ready()
    const pgToken = await authorize(redirectUrl)

    const stranger = await call('POST', `/${paymentId}/approve`, { as: buyer(), body: { pgToken } })
    assert.equal(stranger.statusCode, 404)
    assert.equal(stranger.json().code, 'PAYMENT_NOT_FOUND')

    const approved = await approve(command, paymentId, pgToken)
    assert.equal(approved.statusCode, 200, approved.body)
    assert.equal(approved.json().state, 'PAID')
    const [, paid] = await saga.awaitReplies(command.orderId, 2)
    assert.equal(paid?.name, 'payment.charge-succeeded.v1')
    assert.equal(paid?.payload.method, 'PG')
    assert.equal(await providerStatus(paymentId), 'APPROVED')
    const again = await approve(command, paymentId, pgToken)
    assert.equal(again.statusCode, 200)
    assert.equal(again.json().state, 'PAID')

    await saga.refund(refundCommand(command))
    const [, , refunded] = await saga.awaitReplies(command.orderId, 3)
    assert.equal(refunded?.name, 'payment.refund-completed.v1')
    assert.equal(refunded?.payload.outcome, 'REFUNDED')
    assert.equal(refunded?.payload.refundedAmount, 15_000)
    assert.equal(await stateOf(paymentId), 'REFUNDED')
    assert.equal(await providerStatus(paymentId), 'CANCELLED')
    const kinds = await sql<{ kind: string }>(
      t,
      `SELECT kind FROM ledger_transactions WHERE payment_id = $1 ORDER BY id`,
      [paymentId],
    )
    assert.deepEqual(
      kinds.map((k) => k.kind),
      ['PAYMENT', 'REFUND'],
    )
    await assertLedgerBalanced(t)
  })

  test('a declined approval fails the payment and the charge', async () => {
    const { command, paymentId, redirectUrl } = await ready()
    await sim.config({ approveFailureRate: 1 })
    const res = await approve(command, paymentId, await authorize(redirectUrl))
    assert.equal(res.statusCode, 422)
    assert.equal(res.json().code, 'PROVIDER_DECLINED')
    assert.match(String(res.headers['content-type']), /application\/problem\+json/)
    const [, failed] = await saga.awaitReplies(command.orderId, 2)
    assert.equal(failed?.name, 'payment.charge-failed.v1')
    assert.equal(failed?.payload.code, 'PROVIDER_DECLINED')
    assert.equal(await stateOf(paymentId), 'FAILED')
    const again = await approve(command, paymentId, 'another-token')
    assert.equal(again.statusCode, 409)
    assert.equal(again.json().code, 'PAYMENT_NOT_APPROVABLE')
  })

  for (const applied of [true, false]) {
    test(`an approval that times out (${applied ? 'applied' : 'never received'} at the provider) is reconciled to PAID`, async () => {
      const { command, paymentId, redirectUrl } = await ready()
      const pgToken = await authorize(redirectUrl)
      // Every attempt of the client (the first and its retries) times out.
      await sim.config({ timeoutNextCalls: 3, timeoutAppliedRate: applied ? 1 : 0 })
      const res = await approve(command, paymentId, pgToken)
      assert.equal(res.statusCode, 503)
      assert.equal(res.json().code, 'PROVIDER_UNAVAILABLE')
      assert.equal(await stateOf(paymentId), 'APPROVING')
      assert.equal((await approve(command, paymentId, pgToken)).json().code, 'APPROVAL_IN_PROGRESS')

      await waitUntil(async () => (await stateOf(paymentId)) === 'PAID', { timeoutMs: 30_000 })
      const [, paid] = await saga.awaitReplies(command.orderId, 2)
      assert.equal(paid?.name, 'payment.charge-succeeded.v1')
      assert.equal(await providerStatus(paymentId), 'APPROVED')
      await assertLedgerBalanced(t)
    })
  }

  test('a refund asked while the approval is in doubt refunds once the provider says it was taken', async () => {
    const { command, paymentId, redirectUrl } = await ready()
    const pgToken = await authorize(redirectUrl)
    await sim.config({ timeoutNextCalls: 3, timeoutAppliedRate: 1 })
    assert.equal((await approve(command, paymentId, pgToken)).statusCode, 503)
    // Operators see a payment left APPROVING for long in the metrics.
    await sql(t, `UPDATE payments SET updated_at = now() - interval '11 minutes' WHERE id = $1`, [paymentId])
    const metrics = await t.app.inject({ method: 'GET', url: '/metrics' })
    assert.match(metrics.body, /^payment_payments_stuck\{[^}]*state="APPROVING"[^}]*\} 1$/m)
    await saga.refund(refundCommand(command, { reason: 'PAYMENT_TIMEOUT' }))

    await waitUntil(async () => (await stateOf(paymentId)) === 'REFUNDED', { timeoutMs: 30_000 })
    const replies = await saga.awaitReplies(command.orderId, 2)
    assert.deepEqual(
      replies.map((r) => r.name),
      ['payment.approval-required.v1', 'payment.refund-completed.v1'],
    )
    assert.equal(replies[1]?.payload.outcome, 'REFUNDED')
    assert.equal(await providerStatus(paymentId), 'CANCELLED')
    await assertLedgerBalanced(t)
  })

  test('a refund before the approval voids the payment; the approval is then refused', async () => {
    const { command, paymentId, redirectUrl } = await ready()
    await saga.refund(refundCommand(command))
    const [, voided] = await saga.awaitReplies(command.orderId, 2)
    assert.equal(voided?.payload.outcome, 'VOIDED')
    const res = await approve(command, paymentId, await authorize(redirectUrl))
    assert.equal(res.statusCode, 409)
    assert.equal(res.json().code, 'PAYMENT_NOT_APPROVABLE')
    assert.notEqual(await providerStatus(paymentId), 'APPROVED')
  })

  test('past payBy the approval is refused and the charge fails as expired', async () => {
    const { command, paymentId, redirectUrl } = await ready({
      payBy: new Date(Date.now() + 2_000).toISOString(),
    })
    const pgToken = await authorize(redirectUrl)
    await waitUntil(() => Date.now() > new Date(command.payBy).getTime(), { timeoutMs: 5_000 })
    const res = await approve(command, paymentId, pgToken)
    assert.equal(res.statusCode, 409)
    assert.equal(res.json().code, 'PAYMENT_EXPIRED')
    const [, expired] = await saga.awaitReplies(command.orderId, 2)
    assert.equal(expired?.name, 'payment.charge-failed.v1')
    assert.equal(expired?.payload.code, 'APPROVAL_EXPIRED')
    assert.equal(await stateOf(paymentId), 'FAILED')
  })
})
