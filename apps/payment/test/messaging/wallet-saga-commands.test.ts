// The saga's commands for WALLET orders over real RabbitMQ: a charge debits the buyer into the
// seller's payable account and replies; too little balance fails the charge; a refund gives the
// money back; a message delivered twice has one effect; a resent command (a new message id)
// answers with the current outcome and moves no money; a refund that overtakes its charge voids
// the order so the late charge is refused.
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { waitUntil } from '@deals/messaging/testing'
import {
  assertLedgerBalanced,
  buyer,
  client,
  sql,
  startTestPaymentApp,
  topUp,
  walletBalance,
  type TestPaymentApp,
} from '../support/test-payment-app.ts'
import { chargeCommand, refundCommand, startSagaDouble, type SagaDouble } from '../support/saga-messages.ts'

describe('saga commands for wallet orders', () => {
  let t: TestPaymentApp
  let saga: SagaDouble
  before(async () => {
    t = await startTestPaymentApp()
    saga = await startSagaDouble(t)
  })
  after(async () => {
    await saga.close()
    await t.close()
  })

  const payableOf = async (sellerId: string) =>
    Number(
      (
        await sql<{ balance: string }>(
          t,
          `SELECT balance::text FROM accounts WHERE kind = 'SELLER_PAYABLE' AND owner_id = $1`,
          [sellerId],
        )
      )[0]?.balance ?? 0,
    )
  const bookings = async (paymentId: string) =>
    (
      await sql<{ kind: string }>(
        t,
        `SELECT kind FROM ledger_transactions WHERE payment_id = $1 ORDER BY id`,
        [paymentId],
      )
    ).map((r) => r.kind)
  const paymentOf = async (orderId: string) =>
    (
      await sql<{ id: string; state: string }>(t, `SELECT id, state FROM payments WHERE order_id = $1`, [
        orderId,
      ])
    )[0]

  test('a covered charge debits the wallet into the seller payable and replies charge-succeeded', async () => {
    const command = chargeCommand({ amount: 12_000 })
    await topUp(t, command.userId, 20_000)
    await saga.charge(command)
    const [reply] = await saga.awaitReplies(command.orderId)
    assert.equal(reply?.name, 'payment.charge-succeeded.v1')
    assert.equal(reply?.payload.amount, 12_000)
    assert.equal(reply?.payload.method, 'WALLET')
    const payment = await paymentOf(command.orderId)
    assert.equal(payment?.state, 'PAID')
    assert.equal(reply?.payload.paymentId, payment?.id)
    assert.equal(await walletBalance(t, command.userId), 8_000)
    assert.equal(await payableOf(command.sellerId), 12_000)

    const mine = await client(t)('GET', `/?orderId=${command.orderId}`, { as: buyer(command.userId) })
    assert.equal(mine.json().items[0].state, 'PAID')
    await assertLedgerBalanced(t)
  })

  test('a charge the wallet does not cover fails with INSUFFICIENT_BALANCE and moves nothing', async () => {
    const command = chargeCommand({ amount: 12_000 })
    await topUp(t, command.userId, 11_999)
    await saga.charge(command)
    const [reply] = await saga.awaitReplies(command.orderId)
    assert.equal(reply?.name, 'payment.charge-failed.v1')
    assert.equal(reply?.payload.code, 'INSUFFICIENT_BALANCE')
    assert.equal((await paymentOf(command.orderId))?.state, 'FAILED')
    assert.equal(await walletBalance(t, command.userId), 11_999)
    assert.equal(await payableOf(command.sellerId), 0)
  })

  test('the same message delivered twice is applied once; a resent command re-answers without moving money', async () => {
    const command = chargeCommand({ amount: 5_000 })
    await topUp(t, command.userId, 50_000)
    const id = randomUUID()
    await saga.charge(command, id)
    await saga.charge(command, id)
    await saga.awaitReplies(command.orderId, 1)
    await saga.charge(command)
    const replies = await saga.awaitReplies(command.orderId, 2)
    // The duplicate delivery left no trace: a marker order's reply shows the queue moved past it.
    const marker = chargeCommand()
    await saga.refund(refundCommand(marker))
    await saga.awaitReplies(marker.orderId)
    assert.deepEqual(
      saga.repliesFor(command.orderId).map((r) => r.name),
      ['payment.charge-succeeded.v1', 'payment.charge-succeeded.v1'],
    )
    assert.equal(replies[0]?.payload.paymentId, replies[1]?.payload.paymentId)
    assert.equal(await walletBalance(t, command.userId), 45_000)
    assert.deepEqual(await bookings(replies[0]?.payload.paymentId as string), ['PAYMENT'])
  })

  test('a refund of a paid order returns the money once, however often it is asked', async () => {
    const command = chargeCommand({ amount: 7_000 })
    await topUp(t, command.userId, 7_000)
    await saga.charge(command)
    await saga.awaitReplies(command.orderId, 1)
    assert.equal(await walletBalance(t, command.userId), 0)

    const refund = refundCommand(command, { reason: 'RETURNED' })
    const id = randomUUID()
    await saga.refund(refund, id)
    await saga.refund(refund, id)
    await saga.refund(refund)
    const replies = await saga.awaitReplies(command.orderId, 3)
    const refunds = replies.filter((r) => r.name === 'payment.refund-completed.v1')
    assert.equal(refunds.length, 2)
    for (const r of refunds) {
      assert.equal(r.payload.outcome, 'REFUNDED')
      assert.equal(r.payload.refundedAmount, 7_000)
      assert.equal(r.payload.reason, 'RETURNED')
    }
    const payment = await paymentOf(command.orderId)
    assert.equal(payment?.state, 'REFUNDED')
    assert.equal(await walletBalance(t, command.userId), 7_000)
    assert.equal(await payableOf(command.sellerId), 0)
    assert.deepEqual(await bookings(payment?.id as string), ['PAYMENT', 'REFUND'])

    // A charge resent after the refund reports the charge as it happened and takes nothing again.
    await saga.charge(command)
    const last = (await saga.awaitReplies(command.orderId, 4)).at(-1)
    assert.equal(last?.name, 'payment.charge-succeeded.v1')
    assert.equal(await walletBalance(t, command.userId), 7_000)
    await assertLedgerBalanced(t)
  })

  test('a refund that overtakes its charge voids the order, and the late charge is refused', async () => {
    const command = chargeCommand({ amount: 3_000 })
    await topUp(t, command.userId, 10_000)
    await saga.refund(refundCommand(command, { reason: 'PAYMENT_TIMEOUT' }))
    const [voided] = await saga.awaitReplies(command.orderId)
    assert.equal(voided?.name, 'payment.refund-completed.v1')
    assert.equal(voided?.payload.outcome, 'VOIDED')
    assert.equal(voided?.payload.refundedAmount, 0)

    await saga.charge(command)
    const [, refused] = await saga.awaitReplies(command.orderId, 2)
    assert.equal(refused?.name, 'payment.charge-failed.v1')
    assert.equal(refused?.payload.code, 'ORDER_VOIDED')
    assert.equal((await paymentOf(command.orderId))?.state, 'VOIDED')
    assert.equal(await walletBalance(t, command.userId), 10_000)
  })

  test('100 charges racing over the broker against a balance covering 30: exactly 30 are paid', async () => {
    const userId = randomUUID()
    const sellerId = randomUUID()
    await topUp(t, userId, 30 * 1_000)
    const commands = Array.from({ length: 100 }, () => chargeCommand({ userId, sellerId, amount: 1_000 }))
    await Promise.all(commands.map((c) => saga.charge(c)))
    await waitUntil(() => commands.every((c) => saga.repliesFor(c.orderId).length === 1), {
      timeoutMs: 60_000,
    })
    const outcomes = commands.map((c) => saga.repliesFor(c.orderId)[0]?.name)
    assert.equal(outcomes.filter((n) => n === 'payment.charge-succeeded.v1').length, 30)
    assert.equal(outcomes.filter((n) => n === 'payment.charge-failed.v1').length, 70)
    const states = await sql<{ state: string; n: number }>(
      t,
      `SELECT state, COUNT(*)::int AS n FROM payments WHERE user_id = $1 GROUP BY state ORDER BY state`,
      [userId],
    )
    // Ordered as the enum is declared.
    assert.deepEqual(states, [
      { state: 'PAID', n: 30 },
      { state: 'FAILED', n: 70 },
    ])
    assert.equal(await walletBalance(t, userId), 0)
    assert.equal(await payableOf(sellerId), 30_000)
    await assertLedgerBalanced(t)
  })
})
