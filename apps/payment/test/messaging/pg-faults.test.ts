// The provider failing 30% of approvals and timing out 10% of all calls, with refunds of some
// orders racing the approvals: every payment ends in a final state that agrees with the
// provider's own book. A payment we call PAID is approved there, one we call REFUNDED is
// cancelled there, and none we call FAILED or VOIDED was approved there (no charge without an
// order), and no payment is both kept and refunded.
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { waitUntil } from '@deals/messaging/testing'
import { assertLedgerBalanced, buyer, client, sql, type TestPaymentApp } from '../support/test-payment-app.ts'
import { chargeCommand, refundCommand, type SagaDouble } from '../support/saga-messages.ts'
import type { SimulatorProcess } from '../provider/provider-simulator-process.ts'
import { startProviderStack, type ProviderStack } from '../support/provider-stack.ts'

const PAYMENTS = 40
const FINAL = ['PAID', 'FAILED', 'REFUNDED', 'VOIDED']

describe('PG payments while the provider declines and times out', () => {
  let sim: SimulatorProcess
  let t: TestPaymentApp
  let saga: SagaDouble
  let stack: ProviderStack
  before(async () => {
    stack = await startProviderStack(
      {
        latencyMinMs: 5,
        latencyMaxMs: 30,
        approveFailureRate: 0.3,
        timeoutRate: 0.1,
        timeoutMs: 2_000,
        seed: 7,
      },
      { PAYMENT_PROVIDER_TIMEOUT_MS: '600', PG_RECONCILE_DELAY_SECONDS: '1' },
    )
    ;({ sim, t, saga } = stack)
  })
  after(() => stack.close())

  test('every payment ends final and agrees with the provider', async () => {
    const call = client(t)
    const commands = Array.from({ length: PAYMENTS }, () => chargeCommand({ method: 'PG', amount: 8_000 }))
    const refunded = new Set(commands.filter((_, i) => i % 4 === 0).map((c) => c.orderId))
    await Promise.all(
      commands.map(async (command) => {
        await saga.charge(command)
        const [ready] = await saga.awaitReplies(command.orderId, 1, 60_000)
        if (ready?.name !== 'payment.approval-required.v1') return
        const authorized = await fetch(`${String(ready.payload.redirectUrl)}/authorize`, { method: 'POST' })
        const { pg_token: pgToken } = (await authorized.json()) as { pg_token: string }
        const approving = call('POST', `/${String(ready.payload.paymentId)}/approve`, {
          as: buyer(command.userId),
          body: { pgToken },
        })
        if (refunded.has(command.orderId)) await saga.refund(refundCommand(command))
        const res = await approving
        assert.ok([200, 409, 422, 503].includes(res.statusCode), `${res.statusCode} ${res.body}`)
        if (res.statusCode >= 400) assert.ok(res.json().code, res.body)
      }),
    )

    const states = async () =>
      sql<{ id: string; order_id: string; state: string }>(t, 'SELECT id, order_id, state FROM payments')
    await waitUntil(async () => (await states()).every((p) => FINAL.includes(p.state)), {
      timeoutMs: 120_000,
      intervalMs: 250,
    }).catch(async () =>
      assert.fail(
        `payments not final: ${JSON.stringify((await states()).filter((p) => !FINAL.includes(p.state)))}`,
      ),
    )
    const payments = await states()
    assert.equal(payments.length, PAYMENTS)
    const atProvider = new Map((await sim.payments()).map((p) => [p.partner_order_id, p.status]))
    const tally: Record<string, number> = {}
    for (const p of payments) {
      tally[p.state] = (tally[p.state] ?? 0) + 1
      const theirs = atProvider.get(p.id)
      if (p.state === 'PAID') {
        assert.equal(theirs, 'APPROVED', `${p.id} is PAID`)
        assert.ok(!refunded.has(p.order_id), `${p.id} is PAID though its order asked for a refund`)
      }
      if (p.state === 'REFUNDED') assert.equal(theirs, 'CANCELLED', `${p.id} is REFUNDED`)
      if (p.state === 'FAILED' || p.state === 'VOIDED')
        assert.notEqual(theirs, 'APPROVED', `${p.id} is ${p.state} but the provider took the money`)
    }
    assert.ok((tally.FAILED ?? 0) > 0 && (tally.PAID ?? 0) > 0, JSON.stringify(tally))

    // Each order's saga hears one decision of each kind, however often the provider was retried.
    // A decision is written with the payment's final state and published after that commit, so
    // it may still be on its way when the states are read.
    const decidedFor = (orderId: string) =>
      saga.repliesFor(orderId).filter((r) => r.name !== 'payment.approval-required.v1').length
    await waitUntil(() => commands.every((c) => decidedFor(c.orderId) >= 1), {
      timeoutMs: 30_000,
      intervalMs: 100,
    }).catch(() => undefined)
    for (const command of commands) {
      const names = saga.repliesFor(command.orderId).map((r) => r.name)
      assert.equal(new Set(names).size, names.length, `${command.orderId}: ${names.join(', ')}`)
      const decided = names.filter((n) => n !== 'payment.approval-required.v1')
      assert.ok(decided.length >= 1, `${command.orderId}: ${names.join(', ')}`)
    }
    await assertLedgerBalanced(t)
  })
})
