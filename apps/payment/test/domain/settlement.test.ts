// Settlement of a day in Asia/Seoul: each seller's gross, refunds and net match sums computed here
// independently from the payments' timestamps (including the day's edges), running the day again
// gives the same rows, the nightly job settles yesterday, each settlement is announced, and the
// routes show a seller only their own (by token, or by API key with settlements:read).
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { openAmqpConnection, type AmqpConnection } from '@deals/messaging'
import { collectMessages, waitUntil, type MessageCollector } from '@deals/messaging/testing'
import { paymentSettlementCompletedV1 } from '@deals/contracts'
import { previousDay } from '../../src/domain/settlement/settlements.ts'
import { SETTLEMENT_JOB } from '../../src/plugins/payment-domain.ts'
import {
  admin,
  buyer,
  client,
  seller,
  sql,
  startTestPaymentApp,
  topUp,
  type TestPaymentApp,
} from '../support/test-payment-app.ts'
import { chargeCommand, refundCommand } from '../support/saga-messages.ts'

const DAY = '2026-03-10'
const KST_OFFSET_MS = 9 * 3_600_000
const kstDate = (at: Date) => new Date(at.getTime() + KST_OFFSET_MS).toISOString().slice(0, 10)

interface Sale {
  sellerId: string
  amount: number
  paidAt: Date
  refundedAt?: Date
}

describe('settlement', () => {
  let t: TestPaymentApp
  let amqp: AmqpConnection
  let announced: MessageCollector
  let call: ReturnType<typeof client>
  before(async () => {
    t = await startTestPaymentApp()
    call = client(t)
    amqp = await openAmqpConnection({ url: t.vhost.url, name: 'settlement-watcher' })
    announced = await collectMessages(amqp, paymentSettlementCompletedV1.name)
  })
  after(async () => {
    await announced.stop()
    await amqp.close()
    await t.close()
  })

  /** Pays a wallet order for real, then moves its timestamps to the given instants. */
  async function record(sale: Sale): Promise<void> {
    const command = chargeCommand({ sellerId: sale.sellerId, amount: sale.amount })
    await topUp(t, command.userId, sale.amount)
    const { commands } = t.app.paymentDomain
    await t.app.paymentDb.$transaction((tx) => commands.charge(tx, command))
    if (sale.refundedAt)
      await t.app.paymentDb.$transaction((tx) => commands.refund(tx, refundCommand(command)))
    await sql(t, `UPDATE payments SET paid_at = $2, refunded_at = $3 WHERE order_id = $1`, [
      command.orderId,
      sale.paidAt,
      sale.refundedAt ?? null,
    ])
  }

  /** What a seller's day should say, from the sales alone. */
  function expected(sales: Sale[], sellerId: string, day: string) {
    const paid = sales.filter((s) => s.sellerId === sellerId && kstDate(s.paidAt) === day)
    const refunded = sales.filter(
      (s) => s.sellerId === sellerId && s.refundedAt && kstDate(s.refundedAt) === day,
    )
    const gross = paid.reduce((sum, s) => sum + s.amount, 0)
    const refundedAmount = refunded.reduce((sum, s) => sum + s.amount, 0)
    return {
      sellerId,
      date: day,
      grossAmount: gross,
      refundedAmount,
      netAmount: gross - refundedAmount,
      paidCount: paid.length,
      refundCount: refunded.length,
    }
  }

  const figures = (rows: Record<string, unknown>[]) =>
    rows
      .map(({ computedAt: _computedAt, ...rest }) => rest)
      .sort((a, b) => String(a.sellerId).localeCompare(String(b.sellerId)))

  test('a day with sales and refunds settles to independently computed sums, and again the same', async () => {
    const sellers = [randomUUID(), randomUUID(), randomUUID()]
    const at = (iso: string) => new Date(iso)
    const sales: Sale[] = [
      // The day starts at 2026-03-09T15:00Z (00:00 KST) and ends before 2026-03-10T15:00Z.
      { sellerId: sellers[0]!, amount: 10_000, paidAt: at('2026-03-09T15:00:00.000Z') },
      { sellerId: sellers[0]!, amount: 20_000, paidAt: at('2026-03-10T14:59:59.999Z') },
      { sellerId: sellers[0]!, amount: 40_000, paidAt: at('2026-03-09T14:59:59.999Z') },
      { sellerId: sellers[0]!, amount: 80_000, paidAt: at('2026-03-10T15:00:00.000Z') },
      // Paid the day before, refunded on the day: only the refund counts.
      {
        sellerId: sellers[1]!,
        amount: 5_000,
        paidAt: at('2026-03-09T03:00:00Z'),
        refundedAt: at('2026-03-10T01:00:00Z'),
      },
      // Paid and refunded on the day: both count.
      {
        sellerId: sellers[1]!,
        amount: 7_000,
        paidAt: at('2026-03-10T02:00:00Z'),
        refundedAt: at('2026-03-10T05:00:00Z'),
      },
      { sellerId: sellers[1]!, amount: 1_500, paidAt: at('2026-03-10T06:00:00Z') },
      // Paid on the day, refunded the next day: the day keeps the sale.
      {
        sellerId: sellers[2]!,
        amount: 9_900,
        paidAt: at('2026-03-10T10:00:00Z'),
        refundedAt: at('2026-03-10T16:00:00Z'),
      },
    ]
    for (const sale of sales) await record(sale)

    const run = await call('POST', `/admin/settlements/run?date=${DAY}`, { as: admin() })
    assert.equal(run.statusCode, 200, run.body)
    const want = sellers.map((s) => expected(sales, s, DAY))
    assert.deepEqual(figures(run.json().items), figures(want))
    assert.equal(want[1]?.netAmount, 1_500 + 7_000 - 5_000 - 7_000)

    const again = await call('POST', `/admin/settlements/run?date=${DAY}`, { as: admin() })
    assert.deepEqual(figures(again.json().items), figures(run.json().items))
    const stored = await sql(t, `SELECT seller_id FROM settlements WHERE date = $1`, [DAY])
    assert.equal(stored.length, 3)

    await waitUntil(
      () =>
        announced.messages.filter((m) => (m.body as { payload: { date: string } }).payload.date === DAY)
          .length === 6,
      { timeoutMs: 20_000 },
    )
    const next = await call('POST', `/admin/settlements/run?date=2026-03-11`, { as: admin() })
    assert.deepEqual(
      figures(next.json().items),
      figures([expected(sales, sellers[0]!, '2026-03-11'), expected(sales, sellers[2]!, '2026-03-11')]),
    )

    // The seller reads only its own rows, through its token or an API key with the scope.
    const own = await call('GET', `/seller/settlements?from=${DAY}&to=2026-03-11`, { as: seller(sellers[0]) })
    assert.equal(own.statusCode, 200)
    assert.deepEqual(
      own.json().items.map((r: { date: string; sellerId: string }) => [r.sellerId, r.date]),
      [
        [sellers[0], '2026-03-11'],
        [sellers[0], DAY],
      ],
    )
    const keyed = { ...seller(sellers[1]), apiKeyId: randomUUID(), scopes: ['settlements:read'] }
    const viaKey = await call('GET', '/seller/v1/settlements?limit=1', { as: keyed })
    assert.equal(viaKey.statusCode, 200)
    assert.deepEqual(
      viaKey.json().items.map((r: { sellerId: string }) => r.sellerId),
      [sellers[1]],
    )
    const unscoped = await call('GET', '/seller/v1/settlements', { as: { ...keyed, scopes: ['sales:read'] } })
    assert.equal(unscoped.statusCode, 403)
    assert.equal(unscoped.json().code, 'INSUFFICIENT_SCOPE')
    const asBuyer = await call('GET', '/seller/settlements', { as: buyer() })
    assert.equal(asBuyer.statusCode, 403)
    const notAdmin = await call('POST', `/admin/settlements/run?date=${DAY}`, { as: seller(sellers[0]) })
    assert.equal(notAdmin.statusCode, 403)
  })

  test('the nightly job settles yesterday in Asia/Seoul', async () => {
    assert.equal(previousDay(new Date('2026-03-10T15:30:00Z'), 'Asia/Seoul'), '2026-03-10')
    assert.equal(previousDay(new Date('2026-03-10T14:30:00Z'), 'Asia/Seoul'), '2026-03-09')
    assert.equal(previousDay(new Date('2026-03-01T00:30:00Z'), 'Asia/Seoul'), '2026-02-28')

    const yesterday = previousDay(new Date(), 'Asia/Seoul')
    const sellerId = randomUUID()
    await record({ sellerId, amount: 4_200, paidAt: new Date(`${yesterday}T12:00:00+09:00`) })
    await t.app.jobs.runSoon(SETTLEMENT_JOB, {})
    const row = await waitUntil(
      async () =>
        (
          await sql(
            t,
            `SELECT gross_amount::int AS gross FROM settlements WHERE seller_id = $1 AND date = $2`,
            [sellerId, yesterday],
          )
        )[0],
      { timeoutMs: 20_000 },
    )
    assert.deepEqual(row, { gross: 4_200 })
  })
})
