// The ledger under real concurrency, straight through the saga's charge and refund use cases in
// parallel transactions (more than the connection pool holds): a wallet covering 30 debits out of
// 100 pays exactly 30 and never goes below zero, top-ups and refunds racing with debits lose no
// update, and the ledger sums to zero throughout.
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import {
  assertLedgerBalanced,
  sql,
  startTestPaymentApp,
  topUp,
  walletBalance,
  type TestPaymentApp,
} from '../support/test-payment-app.ts'
import { chargeCommand, refundCommand, type ChargeCommand } from '../support/saga-messages.ts'

const BOUNDS = { maxWait: 30_000, timeout: 30_000 }

describe('wallet ledger under concurrency', () => {
  let t: TestPaymentApp
  before(async () => {
    t = await startTestPaymentApp()
  })
  after(async () => {
    await t.close()
  })

  const charge = (command: ChargeCommand) =>
    t.app.paymentDb.$transaction((tx) => t.app.paymentDomain.commands.charge(tx, command), BOUNDS)

  test('100 concurrent debits against a balance covering 30: exactly 30 succeed', async () => {
    const userId = randomUUID()
    const sellerId = randomUUID()
    await topUp(t, userId, 30 * 2_500)
    const commands = Array.from({ length: 100 }, () => chargeCommand({ userId, sellerId, amount: 2_500 }))
    await Promise.all(commands.map(charge))
    const [counts] = await sql<{ paid: number; failed: number }>(
      t,
      `SELECT COUNT(*) FILTER (WHERE state = 'PAID')::int AS paid, COUNT(*) FILTER (WHERE state = 'FAILED')::int AS failed
       FROM payments WHERE user_id = $1`,
      [userId],
    )
    assert.deepEqual(counts, { paid: 30, failed: 70 })
    assert.equal(await walletBalance(t, userId), 0)
    const [entries] = await sql<{ n: number }>(
      t,
      `SELECT COUNT(*)::int AS n FROM ledger_entries e JOIN accounts a ON a.id = e.account_id
       WHERE a.kind = 'USER_WALLET' AND a.owner_id = $1 AND e.amount < 0`,
      [userId],
    )
    assert.equal(entries?.n, 30)
    const [lowest] = await sql<{ min: string }>(
      t,
      `SELECT MIN(balance_after)::text AS min FROM ledger_entries e JOIN accounts a ON a.id = e.account_id
       WHERE a.kind = 'USER_WALLET' AND a.owner_id = $1`,
      [userId],
    )
    assert.equal(lowest?.min, '0', 'the balance never went below zero after any entry')
    await assertLedgerBalanced(t)
  })

  test('top-ups, debits and refunds racing on one wallet lose no update', async () => {
    const userId = randomUUID()
    const sellerId = randomUUID()
    await topUp(t, userId, 100_000)
    const paidFirst = Array.from({ length: 20 }, () => chargeCommand({ userId, sellerId, amount: 1_000 }))
    await Promise.all(paidFirst.map(charge))
    const racing = Array.from({ length: 40 }, () => chargeCommand({ userId, sellerId, amount: 1_000 }))
    await Promise.all([
      ...racing.map(charge),
      ...paidFirst.map((c) =>
        t.app.paymentDb.$transaction(
          (tx) => t.app.paymentDomain.commands.refund(tx, refundCommand(c)),
          BOUNDS,
        ),
      ),
      ...Array.from({ length: 20 }, () => topUp(t, userId, 500)),
    ])
    // 100,000 - 20 paid + 20 refunded - 40 paid + 20 top-ups of 500.
    assert.equal(await walletBalance(t, userId), 100_000 - 40_000 + 10_000)
    await assertLedgerBalanced(t)
  })
})
