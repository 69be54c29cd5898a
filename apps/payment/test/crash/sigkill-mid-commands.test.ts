// HEAVY (about a minute): the payment service is a child process, killed with SIGKILL while it
// works through 300 charge commands (and refunds of some of them), then started again. Every
// order ends with one payment and one outcome (replies published twice after a crash carry the
// same message id), no wallet is charged twice or refunded twice, each balance is its top-up
// minus what stayed paid, and the ledger balances.
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { spawn, type ChildProcess } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { once } from 'node:events'
import { fileURLToPath } from 'node:url'
import { waitUntil } from '@deals/messaging/testing'
import {
  assertLedgerBalanced,
  sql,
  startTestPaymentApp,
  topUp,
  type TestPaymentApp,
} from '../support/test-payment-app.ts'
import {
  chargeCommand,
  refundCommand,
  startSagaDouble,
  type ChargeCommand,
  type SagaDouble,
} from '../support/saga-messages.ts'

const MAIN = fileURLToPath(new URL('../../src/main.ts', import.meta.url))
const ORDERS = 300
const PRICE = 10_000

describe('a SIGKILL while saga commands are in flight', () => {
  let t: TestPaymentApp
  let saga: SagaDouble
  let child: ChildProcess | undefined
  let stderr = ''

  before(async () => {
    t = await startTestPaymentApp()
    saga = await startSagaDouble(t)
  })
  after(async () => {
    child?.kill('SIGKILL')
    await saga.close()
    await t.close()
  })

  async function startService(): Promise<void> {
    // Without NODE_TEST_CONTEXT: the service must not think it is a test file of this run.
    const { NODE_TEST_CONTEXT: _, ...inherited } = process.env
    child = spawn(process.execPath, ['--import', 'tsx', MAIN], {
      env: { ...inherited, ...t.env, HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'ignore', 'pipe'],
    })
    child.stderr!.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)))
  }

  test('every order ends with one outcome, and the money adds up', async () => {
    const sellerId = randomUUID()
    const commands: ChargeCommand[] = []
    const topUps = new Map<string, number>()
    for (let i = 0; i < ORDERS; i++) {
      const command = chargeCommand({ sellerId, amount: PRICE })
      // One buyer in four cannot pay.
      const balance = i % 4 === 0 ? PRICE - 1 : PRICE + 500
      await topUp(t, command.userId, balance)
      topUps.set(command.userId, balance)
      commands.push(command)
    }
    await t.stop()
    await startService()

    const refunded = commands.filter((_, i) => i % 5 === 1)
    for (const c of commands) await saga.charge(c)
    for (const c of refunded) await saga.refund(refundCommand(c))
    const outcomes = () => new Set(saga.replies().map((r) => r.payload.orderId)).size
    await waitUntil(() => outcomes() >= 60, { timeoutMs: 60_000 }).catch(() =>
      assert.fail(`no progress before the kill:\n${stderr}`),
    )
    const exited = once(child!, 'exit')
    child!.kill('SIGKILL')
    await exited
    assert.ok(outcomes() < ORDERS, 'the kill came before the last command was handled')

    await startService()
    const finished = (c: ChargeCommand) => {
      const names = new Set(saga.repliesFor(c.orderId).map((r) => r.name))
      return refunded.includes(c)
        ? names.has('payment.refund-completed.v1')
        : names.has('payment.charge-succeeded.v1') || names.has('payment.charge-failed.v1')
    }
    await waitUntil(() => commands.every(finished), { timeoutMs: 120_000 }).catch(() =>
      assert.fail(`${commands.filter((c) => !finished(c)).length} orders unanswered:\n${stderr}`),
    )

    for (const c of commands) {
      const replies = saga.repliesFor(c.orderId)
      const byName = new Map<string, Set<string | undefined>>()
      for (const r of replies) byName.set(r.name, (byName.get(r.name) ?? new Set()).add(r.id))
      for (const [name, ids] of byName)
        assert.equal(ids.size, 1, `${c.orderId}: ${name} decided ${ids.size} times`)
    }
    const payments = await sql<{ order_id: string; user_id: string; state: string }>(
      t,
      `SELECT order_id, user_id, state FROM payments WHERE seller_id = $1`,
      [sellerId],
    )
    assert.equal(payments.length, ORDERS)
    const balances = new Map(
      (
        await sql<{ owner_id: string; balance: string }>(
          t,
          `SELECT owner_id, balance::text FROM accounts WHERE kind = 'USER_WALLET'`,
        )
      ).map((a) => [a.owner_id, Number(a.balance)]),
    )
    for (const p of payments) {
      const expected = (topUps.get(p.user_id) ?? 0) - (p.state === 'PAID' ? PRICE : 0)
      assert.equal(balances.get(p.user_id), expected, `${p.user_id} (${p.state})`)
      assert.ok(['PAID', 'FAILED', 'REFUNDED', 'VOIDED'].includes(p.state), p.state)
    }
    const paid = payments.filter((p) => p.state === 'PAID').length
    const [payable] = await sql<{ balance: string }>(
      t,
      `SELECT balance::text FROM accounts WHERE kind = 'SELLER_PAYABLE' AND owner_id = $1`,
      [sellerId],
    )
    assert.equal(Number(payable?.balance ?? 0), paid * PRICE)
    const [bookings] = await sql<{ payments: number; refunds: number }>(
      t,
      `SELECT COUNT(*) FILTER (WHERE kind = 'PAYMENT')::int AS payments,
              COUNT(*) FILTER (WHERE kind = 'REFUND')::int AS refunds
       FROM ledger_transactions WHERE kind IN ('PAYMENT', 'REFUND')`,
    )
    const refundedCount = payments.filter((p) => p.state === 'REFUNDED').length
    assert.deepEqual(bookings, { payments: paid + refundedCount, refunds: refundedCount })
    await assertLedgerBalanced(t)
  })
})
