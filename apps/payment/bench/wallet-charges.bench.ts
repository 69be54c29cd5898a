// Wallet charges through the saga's commands: 2,000 charge commands published at once to RabbitMQ,
// the payment service (in process, default prefetch and pool) debiting each buyer into the
// seller's payable account and replying through its outbox. Two scenarios: every order from one
// seller (a flash sale: one hot payable row) and orders spread over 100 sellers. Prints charges per
// second from the first publish to the last reply and writes bench/results/wallet-charges.json.
import { mkdirSync, writeFileSync } from 'node:fs'
import { cpus } from 'node:os'
import { randomUUID } from 'node:crypto'
import { waitUntil } from '@deals/messaging/testing'
import { assertLedgerBalanced, startTestPaymentApp } from '../test/support/test-payment-app.ts'
import { chargeCommand, startSagaDouble } from '../test/support/saga-messages.ts'
import { book, topUpClearing, wallet } from '../src/domain/ledger/ledger.ts'

const ORDERS = 2_000
const PRICE = 9_900

const t = await startTestPaymentApp({ LOG_LEVEL: 'warn' })
const saga = await startSagaDouble(t)
const results: Record<string, unknown>[] = []
try {
  for (const sellers of [1, 100]) {
    const sellerIds = Array.from({ length: sellers }, () => randomUUID())
    const commands = Array.from({ length: ORDERS }, (_, i) =>
      chargeCommand({ sellerId: sellerIds[i % sellers]!, amount: PRICE }),
    )
    // Wallets are funded straight through the ledger: the top-up route is not what is measured.
    for (const c of commands)
      await t.app.paymentDb.$transaction((tx) =>
        book(tx, {
          kind: 'TOPUP',
          reference: `bench:${c.orderId}`,
          amount: PRICE,
          from: topUpClearing,
          to: wallet(c.userId),
        }),
      )
    const started = performance.now()
    await Promise.all(commands.map((c) => saga.charge(c)))
    const orderIds = new Set(commands.map((c) => c.orderId))
    const replies = () => saga.replies().filter((r) => orderIds.has(r.payload.orderId))
    await waitUntil(() => replies().length >= ORDERS, { timeoutMs: 300_000, intervalMs: 100 })
    const seconds = (performance.now() - started) / 1000
    const paid = replies().filter((r) => r.name === 'payment.charge-succeeded.v1').length
    const row = {
      sellers,
      orders: ORDERS,
      paid,
      seconds: Number(seconds.toFixed(2)),
      chargesPerSecond: Math.round(ORDERS / seconds),
    }
    results.push(row)
    console.log(
      `${sellers} seller(s): ${ORDERS} charges (${paid} paid) in ${row.seconds} s: ${row.chargesPerSecond} charges/s`,
    )
  }
  await assertLedgerBalanced(t)
  mkdirSync(new URL('./results/', import.meta.url), { recursive: true })
  writeFileSync(
    new URL('./results/wallet-charges.json', import.meta.url),
    `${JSON.stringify({ machine: { cpus: cpus().length, model: cpus()[0]?.model }, results }, null, 2)}\n`,
  )
} finally {
  await saga.close()
  await t.close()
}
