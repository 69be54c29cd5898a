// The purchase saga end to end: the order and payment services as processes on one vhost, buyers
// with funded wallets placing WALLET orders for one deal as fast as 50 connections allow. Measures
// paid orders per second from the first placement to the last saga completed, and the time from
// each placement to its saga's completion. Writes bench/results/saga-throughput.json.
import { mkdirSync, writeFileSync } from 'node:fs'
import { cpus, loadavg } from 'node:os'
import { startPurchaseStack } from '../test/support/purchase-stack.ts'
import {
  assertInvariants,
  buy,
  buyersWithWallets,
  eventually,
  inParallel,
  openDeal,
  settled,
} from '../test/support/purchases.ts'

const ORDERS = Number(process.env.SAGA_BENCH_ORDERS ?? 2_000)
const CONNECTIONS = Number(process.env.SAGA_BENCH_CONNECTIONS ?? 50)
const PRICE = 9_900

const percentile = (sorted: number[], p: number) =>
  sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]! : 0

const stack = await startPurchaseStack({ order: { RESERVATION_TTL_SECONDS: '600', LOG_LEVEL: 'warn' } })
try {
  const deal = await openDeal(stack, { quantity: ORDERS, dealPrice: PRICE })
  const buyers = await buyersWithWallets(stack, ORDERS, () => PRICE)

  const started = performance.now()
  let placed = 0
  await inParallel(buyers, CONNECTIONS, async (buyer) => {
    if (await buy(stack, buyer, deal.dealId)) placed++
  })
  const placedSeconds = (performance.now() - started) / 1000
  await eventually(
    'every order paid',
    async () => {
      const [row] = await stack.sql<{ n: number }>(
        'order',
        `SELECT count(*)::int AS n FROM orders WHERE deal_id = $1 AND status = 'PAID'`,
        [deal.dealId],
      )
      return row!.n === placed
    },
    600_000,
  )
  const paidSeconds = (performance.now() - started) / 1000
  await settled(stack, deal.dealId, 600_000)
  await assertInvariants(stack, { ...deal, dealPrice: PRICE }, buyers)

  const latencies = (
    await stack.sql<{ ms: number }>(
      'order',
      `SELECT EXTRACT(EPOCH FROM (s.updated_at - o.created_at))::float8 * 1000 AS ms
       FROM orders o JOIN purchase_sagas s ON s.order_id = o.id
       WHERE o.deal_id = $1 AND s.state = 'COMPLETED'`,
      [deal.dealId],
    )
  )
    .map((r) => r.ms)
    .sort((a, b) => a - b)
  const result = {
    scenario: 'purchase saga end to end (order + payment processes, WALLET)',
    date: new Date().toISOString(),
    machine: { cpus: cpus().length, model: cpus()[0]?.model, loadAverageAtEnd: loadavg()[0] },
    orders: placed,
    connections: CONNECTIONS,
    placementsPerSecond: Math.round(placed / placedSeconds),
    paidOrdersPerSecond: Math.round(placed / paidSeconds),
    secondsToLastPaid: Number(paidSeconds.toFixed(2)),
    placementToCompletedMs: {
      p50: Math.round(percentile(latencies, 50)),
      p95: Math.round(percentile(latencies, 95)),
      p99: Math.round(percentile(latencies, 99)),
    },
  }
  console.log(
    `${placed} WALLET orders over ${CONNECTIONS} connections: placed at ${result.placementsPerSecond}/s, ` +
      `all paid after ${result.secondsToLastPaid} s = ${result.paidOrdersPerSecond} paid orders/s end to end; ` +
      `placement to saga completed p50 ${result.placementToCompletedMs.p50} ms, ` +
      `p95 ${result.placementToCompletedMs.p95} ms, p99 ${result.placementToCompletedMs.p99} ms`,
  )
  mkdirSync(new URL('./results/', import.meta.url), { recursive: true })
  writeFileSync(
    new URL('./results/saga-throughput.json', import.meta.url),
    `${JSON.stringify(result, null, 2)}\n`,
  )
} finally {
  await stack.close()
}
