// The purchase saga against real PostgreSQL, Redis and RabbitMQ, with a payment double answering
// its commands: paid and failed purchases, approvals, refunds after cancels, replies delivered twice,
// a charge arriving after the timeout, a restart mid-saga, the stuck sweep and the operators' view,
// and 300 concurrent purchases whose stock and orders agree at the end.
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { adminIdentity, buyerIdentity } from '@deals/contracts/testing'
import { waitUntil } from '@deals/messaging/testing'
import { client, seedDeal, sql, startTestOrderApp, type TestOrderApp } from '../../support/test-order-app.ts'
import { PaymentDouble } from '../../support/payment-double.ts'
import {
  commandsOf,
  eventsOf,
  orderRow,
  placeOrder,
  stockOf,
  untilConsumed,
  untilSettled,
} from '../../support/order-steps.ts'

const CHARGE = 'payment.charge-requested.v1'
const REFUND = 'payment.refund-requested.v1'

describe('the purchase saga', () => {
  let t: TestOrderApp
  let double: PaymentDouble
  before(async () => {
    t = await startTestOrderApp({
      LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
      SAGA_RESEND_AFTER_MS: '1000',
      SAGA_STUCK_AFTER_MS: '1000',
      // The tests run the sweep themselves, at the moments they choose.
      SAGA_SWEEP_CRON: '0 0 1 1 *',
    })
    double = await PaymentDouble.start(t)
  })
  after(() => t.close())

  const sagaOf = async (orderId: string) =>
    (await sql(t, 'SELECT * FROM purchase_sagas WHERE order_id = $1', [orderId]))[0]!
  const untilSaga = (orderId: string, state: string) =>
    waitUntil(async () => (await sagaOf(orderId)).state === state, {
      timeoutMs: 15_000,
      message: `saga of ${orderId} ${state}`,
    })
  /** Runs the steps with the double holding refund requests until told to answer them. */
  const holdingRefunds = async (steps: () => Promise<void>) => {
    double.configure({ refund: false })
    try {
      await steps()
    } finally {
      double.configure({ refund: true })
    }
  }
  /** A sample's value on /metrics, found by its name and one of its labels. */
  const metric = async (name: string, label: string) => {
    const body = (await t.app.inject({ method: 'GET', url: '/metrics' })).body
    const found = body.split('\n').find((l) => l.startsWith(`${name}{`) && l.split('}')[0]!.includes(label))
    return found ? Number(found.split(' ').at(-1)) : 0
  }

  test('a wallet purchase: charged, PAID, its unit sold, the saga COMPLETED and counted', async () => {
    const completedBefore = await metric('saga_outcomes_total', 'outcome="completed"')
    const deal = await seedDeal(t, { quantity: 3 })
    const orderId = await placeOrder(t, deal, buyerIdentity())
    await double.answer(orderId, 'succeed')
    await untilSettled(t, orderId, 'PAID')
    assert.deepEqual(await stockOf(t, deal.dealId), { quantity: 3, remaining: 2, reserved: 0, sold: 1 })
    const saga = await sagaOf(orderId)
    assert.equal(saga.state, 'COMPLETED')
    assert.equal(saga.deadline, null)
    assert.ok((await orderRow(t, orderId)).payment_id)
    assert.equal(await metric('saga_outcomes_total', 'outcome="completed"'), completedBefore + 1)
    assert.ok((await metric('saga_duration_seconds_count', 'outcome="completed"')) >= 1)
  })

  test('a failed charge: CANCELLED (PAYMENT_FAILED), the unit back in remaining, the saga COMPENSATED', async () => {
    const deal = await seedDeal(t, { quantity: 3 })
    const orderId = await placeOrder(t, deal, buyerIdentity())
    await double.answer(orderId, 'fail')
    await untilSettled(t, orderId, 'CANCELLED')
    assert.equal((await orderRow(t, orderId)).cancel_reason, 'PAYMENT_FAILED')
    assert.deepEqual(await stockOf(t, deal.dealId), { quantity: 3, remaining: 3, reserved: 0, sold: 0 })
    assert.equal((await sagaOf(orderId)).state, 'COMPENSATED')
    assert.deepEqual(await commandsOf(t, orderId, REFUND), [], 'nothing was taken, nothing to refund')
  })

  test('a PG payment waiting for approval shows its page in the order; the approval pays it', async () => {
    const deal = await seedDeal(t)
    const buyer = buyerIdentity()
    const orderId = await placeOrder(t, deal, buyer)
    await double.answer(orderId, 'approval')
    await waitUntil(async () => (await orderRow(t, orderId)).payment_redirect_url, { timeoutMs: 10_000 })
    const order = (await client(t)('GET', `/${orderId}`, { as: buyer })).json()
    assert.equal(order.status, 'PENDING_PAYMENT')
    assert.match(order.payment.redirectUrl, /^https:\/\/pg\.example\/approve\//)
    assert.equal(order.payment.payBy, order.reservationExpiresAt)
    assert.ok(order.payment.paymentId)
    assert.equal((await sagaOf(orderId)).state, 'PAYMENT_REQUESTED')

    await untilConsumed(t, await double.replyCharged(orderId))
    await untilSettled(t, orderId, 'PAID')
    assert.equal((await sagaOf(orderId)).state, 'COMPLETED')
  })

  test('every reply delivered twice (same message id, and again under a new one) has one effect', async () => {
    double.configure({ duplicate: true })
    try {
      const deal = await seedDeal(t, { quantity: 5 })
      const buyer = buyerIdentity()
      const paid = await placeOrder(t, deal, buyer)
      const failed = await placeOrder(t, deal, buyerIdentity())
      const waiting = await placeOrder(t, deal, buyerIdentity())
      await double.answer(paid, 'succeed')
      await double.answer(failed, 'fail')
      await double.answer(waiting, 'approval')
      await untilSettled(t, paid, 'PAID')
      await untilSettled(t, failed, 'CANCELLED')
      await waitUntil(async () => (await orderRow(t, waiting)).payment_redirect_url, { timeoutMs: 10_000 })
      // The refund of a cancel after payment, also answered three times.
      assert.equal((await client(t)('POST', `/${paid}/cancel`, { as: buyer })).statusCode, 200)
      await untilSaga(paid, 'COMPENSATED')
      // Every copy reached the consumer (the same message id twice is one inbox row).
      for (const orderId of [paid, failed, waiting]) {
        const ids = double.replyIdsFor(orderId)
        assert.equal(ids.length, orderId === paid ? 4 : 2)
        for (const id of ids) await untilConsumed(t, id)
      }
      assert.deepEqual(
        (await eventsOf(t, paid)).map((e) => e.event_name),
        ['order.placed.v1', 'order.paid.v1', 'order.cancelled.v1'],
      )
      assert.deepEqual(
        (await eventsOf(t, failed)).map((e) => e.event_name),
        ['order.placed.v1', 'order.cancelled.v1'],
      )
      assert.equal((await commandsOf(t, paid, REFUND)).length, 1)
      const row = await orderRow(t, paid)
      assert.equal(row.refunded_amount, deal.dealPrice)
      assert.deepEqual(await stockOf(t, deal.dealId), { quantity: 5, remaining: 4, reserved: 1, sold: 0 })
      assert.equal((await orderRow(t, waiting)).status, 'PENDING_PAYMENT')
    } finally {
      double.configure({ duplicate: false })
    }
  })

  test('a charge arriving after the timeout cancelled the order: a refund is requested and the order is never PAID', () =>
    holdingRefunds(async () => {
      const deal = await seedDeal(t, { quantity: 1 })
      const orderId = await placeOrder(t, deal, buyerIdentity())
      await double.waitForCommand(orderId, CHARGE)
      // The reservation's deadline, as its expiry job would run it.
      assert.equal(await t.app.orderDomain.expiry.expire({ orderId }), true)
      await untilSettled(t, orderId, 'CANCELLED')
      const [refund] = await double.waitForCommand(orderId, REFUND)
      assert.equal(refund!.payload.reason, 'PAYMENT_TIMEOUT')
      assert.equal((await sagaOf(orderId)).state, 'COMPENSATING')

      // The payment service had charged before the refund request reached it.
      await double.answer(orderId, 'succeed')
      const [late] = double.replyIdsFor(orderId)
      assert.equal(double.replies.find((r) => r.messageId === late)!.name, 'payment.charge-succeeded.v1')
      await untilConsumed(t, late!)
      const order = await orderRow(t, orderId)
      assert.equal(order.status, 'CANCELLED')
      assert.equal(order.paid_at, null)
      assert.deepEqual(await stockOf(t, deal.dealId), { quantity: 1, remaining: 1, reserved: 0, sold: 0 })
      // The refund request already on its way takes the money back.
      await double.completeRefund(orderId)
      await untilSaga(orderId, 'COMPENSATED')
      const refunded = await orderRow(t, orderId)
      assert.equal(refunded.refunded_amount, deal.dealPrice)
      assert.ok(refunded.refunded_at)
      assert.deepEqual(
        (await eventsOf(t, orderId)).map((e) => e.event_name),
        ['order.placed.v1', 'order.cancelled.v1'],
      )
    }))

  test('the buyer cancels after payment: refund requested (BUYER_CANCELLED), then refunded: COMPENSATED, amount and time on the order', () =>
    holdingRefunds(async () => {
      const refundedBefore = await metric('saga_outcomes_total', 'outcome="refunded"')
      const deal = await seedDeal(t, { quantity: 2 })
      const buyer = buyerIdentity()
      const orderId = await placeOrder(t, deal, buyer)
      await double.answer(orderId, 'succeed')
      await untilSettled(t, orderId, 'PAID')
      assert.equal((await client(t)('POST', `/${orderId}/cancel`, { as: buyer })).statusCode, 200)
      const [refund] = await double.waitForCommand(orderId, REFUND)
      assert.equal(refund!.payload.reason, 'BUYER_CANCELLED')
      assert.equal(refund!.payload.amount, deal.dealPrice)
      const compensating = await sagaOf(orderId)
      assert.equal(compensating.state, 'COMPENSATING')
      assert.equal(compensating.refund_reason, 'BUYER_CANCELLED')

      await double.completeRefund(orderId)
      await untilSaga(orderId, 'COMPENSATED')
      const order = (await client(t)('GET', `/${orderId}`, { as: buyer })).json()
      assert.equal(order.status, 'CANCELLED')
      assert.equal(order.refundedAmount, deal.dealPrice)
      assert.ok(order.refundedAt)
      assert.equal(await metric('saga_outcomes_total', 'outcome="refunded"'), refundedBefore + 1)
      await waitUntil(async () => (await stockOf(t, deal.dealId)).remaining === 2, { timeoutMs: 10_000 })
    }))

  test('a saga stuck past its deadline: the admin list shows it, the sweep takes the timeout path or sends the refund again', () =>
    holdingRefunds(async () => {
      const deal = await seedDeal(t, { quantity: 3 })
      const buyer = buyerIdentity()
      // An unpaid saga whose expiry job never ran (its deadline moved an hour back).
      const unpaid = await placeOrder(t, deal, buyer)
      await sql(t, `UPDATE purchase_sagas SET deadline = now() - interval '1 hour' WHERE order_id = $1`, [
        unpaid,
      ])
      // A compensating saga whose refund goes unanswered.
      const cancelled = await placeOrder(t, deal, buyerIdentity())
      await double.waitForCommand(cancelled, CHARGE)
      await t.app.orderDomain.expiry.expire({ orderId: cancelled })
      await double.waitForCommand(cancelled, REFUND)

      const admin = adminIdentity()
      const stuckUnpaid = await client(t)('GET', '/admin/sagas?stuck=true&state=PAYMENT_REQUESTED', {
        as: admin,
      })
      assert.equal(stuckUnpaid.statusCode, 200, stuckUnpaid.body)
      assert.deepEqual(
        stuckUnpaid.json().items.map((s: { orderId: string; stuck: boolean }) => [s.orderId, s.stuck]),
        [[unpaid, true]],
      )
      assert.ok((await metric('saga_stuck', 'state="PAYMENT_REQUESTED"')) >= 1)

      // Past SAGA_RESEND_AFTER_MS, and past SAGA_STUCK_AFTER_MS after its refund was due.
      await new Promise((resolve) => setTimeout(resolve, 2100))
      const stuck = await client(t)('GET', '/admin/sagas?stuck=true&state=COMPENSATING&limit=100', {
        as: admin,
      })
      assert.ok(
        stuck.json().items.some((s: { orderId: string }) => s.orderId === cancelled),
        stuck.body,
      )
      assert.ok((await metric('saga_stuck', 'state="COMPENSATING"')) >= 1)

      const swept = await t.app.purchaseSaga.sweep.sweep()
      assert.ok(swept.timedOut >= 1 && swept.resent >= 1, JSON.stringify(swept))
      // The unpaid one took the timeout path.
      await untilSettled(t, unpaid, 'CANCELLED')
      assert.equal((await orderRow(t, unpaid)).cancel_reason, 'EXPIRED')
      assert.match(String((await sagaOf(unpaid)).last_error), /expiry job did not run/)
      const [timeout] = await double.waitForCommand(unpaid, REFUND)
      assert.equal(timeout!.payload.reason, 'PAYMENT_TIMEOUT')
      // The compensating one sent its refund again, under a new message id, and counts it.
      const refunds = await double.waitForCommand(cancelled, REFUND, 2)
      assert.notEqual(refunds[0]!.messageId, refunds[1]!.messageId)
      assert.equal(refunds[1]!.payload.reason, 'PAYMENT_TIMEOUT')
      const saga = await sagaOf(cancelled)
      assert.equal(saga.attempts, 1)
      assert.match(String(saga.last_error), /no refund-completed/)

      await double.completeRefund(cancelled)
      await untilSaga(cancelled, 'COMPENSATED')
      const after = await client(t)('GET', '/admin/sagas?stuck=true&limit=100', { as: admin })
      assert.ok(!after.json().items.some((s: { orderId: string }) => s.orderId === cancelled))
      assert.equal((await client(t)('GET', '/admin/sagas', { as: buyer })).statusCode, 403)
    }))

  test('a restart mid-saga resumes it: replies and refunds answered after the restart are applied', () =>
    holdingRefunds(async () => {
      const deal = await seedDeal(t, { quantity: 3 })
      const buyer = buyerIdentity()
      const paying = await placeOrder(t, deal, buyer)
      const cancelling = await placeOrder(t, deal, buyerIdentity())
      await double.waitForCommand(paying, CHARGE)
      await double.waitForCommand(cancelling, CHARGE)
      await t.app.orderDomain.expiry.expire({ orderId: cancelling })
      await double.waitForCommand(cancelling, REFUND)

      await t.restart()
      await double.answer(paying, 'succeed')
      await double.completeRefund(cancelling)
      await untilSettled(t, paying, 'PAID')
      await untilSaga(cancelling, 'COMPENSATED')
      assert.deepEqual(await stockOf(t, deal.dealId), { quantity: 3, remaining: 2, reserved: 0, sold: 1 })
    }))

  test('300 concurrent purchases, 2/3 charged and 1/3 refused, replies delayed and duplicated: every order PAID or CANCELLED, paid == sold, stock conserved', async () => {
    const ORDERS = 300
    const QUANTITY = 300
    double.configure({
      // Decided by the order id, so a repeated command gets the same answer.
      charge: (command) => (parseInt(command.orderId.slice(-4), 16) % 3 === 0 ? 'fail' : 'succeed'),
      duplicate: true,
      delayMs: 20,
    })
    try {
      const deal = await seedDeal(t, { quantity: QUANTITY })
      const orderIds: string[] = []
      const buyers = Array.from({ length: ORDERS }, () => buyerIdentity())
      for (let i = 0; i < ORDERS; i += 50)
        orderIds.push(...(await Promise.all(buyers.slice(i, i + 50).map((b) => placeOrder(t, deal, b)))))

      await waitUntil(
        async () => {
          const [row] = await sql<{ pending: number }>(
            t,
            `SELECT count(*)::int AS pending FROM orders WHERE deal_id = $1 AND status = 'PENDING_PAYMENT'`,
            [deal.dealId],
          )
          return row!.pending === 0 && (await stockOf(t, deal.dealId)).reserved === 0
        },
        {
          timeoutMs: 120_000,
          intervalMs: 250,
          message: 'every order paid or cancelled, and settled in Redis',
        },
      )
      const rows = await sql<{ status: string; n: number }>(
        t,
        `SELECT status, count(*)::int AS n FROM orders WHERE deal_id = $1 GROUP BY status`,
        [deal.dealId],
      )
      const count = Object.fromEntries(rows.map((r) => [r.status, r.n]))
      assert.equal((count.PAID ?? 0) + (count.CANCELLED ?? 0), ORDERS, JSON.stringify(count))
      const expectedFailed = orderIds.filter((id) => parseInt(id.slice(-4), 16) % 3 === 0).length
      assert.equal(count.CANCELLED, expectedFailed)
      const stock = await stockOf(t, deal.dealId)
      assert.equal(stock.sold, count.PAID)
      assert.equal(stock.reserved, 0)
      assert.equal(stock.sold + stock.reserved + stock.remaining, QUANTITY)
      const sagas = await sql<{ state: string; n: number }>(
        t,
        `SELECT s.state, count(*)::int AS n FROM purchase_sagas s JOIN orders o ON o.id = s.order_id
         WHERE o.deal_id = $1 GROUP BY s.state ORDER BY s.state`,
        [deal.dealId],
      )
      assert.deepEqual(Object.fromEntries(sagas.map((s) => [s.state, s.n])), {
        COMPENSATED: count.CANCELLED,
        COMPLETED: count.PAID,
      })
      const paidEvents = await sql<{ n: number }>(
        t,
        `SELECT count(*)::int AS n FROM outbox_messages WHERE event_name = 'order.paid.v1' AND payload->>'dealId' = $1`,
        [deal.dealId],
      )
      assert.equal(paidEvents[0]!.n, count.PAID, 'one order.paid.v1 per paid order despite the duplicates')
    } finally {
      double.configure({ charge: () => 'hold', duplicate: false, delayMs: 0 })
    }
  })
})
