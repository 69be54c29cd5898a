// The flash sale: a deal of FLASH_SALE_UNITS (10,000) units opens to FLASH_SALE_BUYERS (50,000)
// buyers, each trying FLASH_SALE_ATTEMPTS_PER_BUYER (1) times, from FLASH_SALE_CONNECTIONS (32)
// concurrent connections, through the real gateway with real access tokens (signed with auth's
// key, verified through its JWKS), all on 127.0.0.1, each run bounded by FLASH_SALE_MAX_SECONDS.
// FLASH_SALE_VARIANTS names the gateway settings to measure (GATEWAY_VARIANTS: each lever off and
// on); the last one is the headline, the chart and the ratios. In the same run, the same load goes
// straight to the order service (the gateway's cost) and to a bare PostgreSQL-only server, and the
// reservation alone races Redis against PostgreSQL only (the design's gain). Every run checks
// oversell in the database and the stock endpoint. Writes bench/results/flash-sale.json and
// bench/results/flash-sale.svg, drawn from the gateway's and order's /metrics scraped each second.
import { mkdirSync, writeFileSync } from 'node:fs'
import { cpus, loadavg } from 'node:os'
import { join } from 'node:path'
import { signIdentityHeaders } from '@deals/service-kit'
import { mintBuyerTokens, type Buyer } from './support/buyer-tokens.ts'
import {
  JWT_AUDIENCE,
  JWT_ISSUER,
  ROOT,
  queryOne,
  startFlashSaleStack,
  type FlashSaleStack,
} from './support/flash-sale-stack.ts'
import { runPurchaseLoad, type LoadResult } from './support/purchase-load.ts'
import type { ServiceProcess } from './support/service-processes.ts'
import { MetricsScraper, gaugeSeries, parseMetrics, routeSeries } from './support/metrics-scraper.ts'
import { renderChart } from './support/metrics-chart.ts'
import { cpuBetween, cpuSnapshot, referenceLoopMs } from './support/machine-cpu.ts'
import { raceReservations } from './support/reservation-race.ts'

const setting = (name: string, fallback: number) => {
  const value = Number(process.env[name] ?? fallback)
  if (!Number.isInteger(value) || value <= 0) throw new Error(`${name} must be a positive integer`)
  return value
}
const UNITS = setting('FLASH_SALE_UNITS', 10_000)
const BUYERS = setting('FLASH_SALE_BUYERS', 50_000)
// As many as the machine sustains with p99 under 50 ms: on the 2 vCPU machine of 2026-11-22
// (reference loop 330 to 350 ms), 24 connections left the sold-out phase short of work (4,578 to
// 4,835 attempts/s, p99 29 ms), 32 fed it and grew the order writes' batches (5,266 to 5,457/s,
// p99 33 to 37 ms), 48 only queued (5,334/s, p99 50 ms). The README has the sweep.
const CONNECTIONS = setting('FLASH_SALE_CONNECTIONS', 32)
const MAX_SECONDS = setting('FLASH_SALE_MAX_SECONDS', 60)
/** Tries per buyer: above 1, buyers who got an answer try again (the token cache's case). */
const ATTEMPTS = BUYERS * setting('FLASH_SALE_ATTEMPTS_PER_BUYER', 1)
/**
 * Purchases of a deal of its own (a fifth as many units), by other buyers, before each measured
 * run: the processes then run code V8 has optimised, as a service serving traffic before a sale
 * opens does, instead of a freshly started one. Nothing the measured run uses is cached by it (other
 * deal, other buyers and tokens). With 2,000 the gateway's created path was still being optimised
 * during the run: the same machine measured 2,530 attempts/s instead of 3,570 at 20,000.
 */
const WARMUP = setting('FLASH_SALE_WARMUP', 20_000)

/**
 * Gateway settings, from none of the levers to all of them; the last one measured is the one the
 * chart shows and the ratios use. Each lever: the verified-token cache, answers at the edge from
 * stock and deal events, a pipelined upstream pool, a second gateway process.
 */
const GATEWAY_VARIANTS: Record<string, Record<string, string>> = {
  naive: { TOKEN_CACHE_SIZE: '0', EDGE_ANSWERS: 'false', UPSTREAM_PIPELINING: '1', GATEWAY_WORKERS: '1' },
  'token-cache': { EDGE_ANSWERS: 'false', UPSTREAM_PIPELINING: '1', GATEWAY_WORKERS: '1' },
  edge: { TOKEN_CACHE_SIZE: '0', UPSTREAM_PIPELINING: '1', GATEWAY_WORKERS: '1' },
  pipelining: {
    TOKEN_CACHE_SIZE: '0',
    EDGE_ANSWERS: 'false',
    UPSTREAM_PIPELINING: '8',
    GATEWAY_WORKERS: '1',
  },
  'two-workers': {
    TOKEN_CACHE_SIZE: '0',
    EDGE_ANSWERS: 'false',
    UPSTREAM_PIPELINING: '1',
    GATEWAY_WORKERS: '2',
  },
  levers: { GATEWAY_WORKERS: '2' },
}
/** Extra gateway settings for every variant, as JSON (e.g. {"UPSTREAM_CONNECTIONS":"64"}). */
const GATEWAY_ENV = JSON.parse(process.env.FLASH_SALE_GATEWAY_ENV ?? '{}') as Record<string, string>
/** Node options for the gateway process, space-separated (e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`). */
const GATEWAY_NODE_ARGS = process.env.FLASH_SALE_GATEWAY_NODE_ARGS?.split(' ').filter(Boolean)
/** Extra order service settings, as JSON (e.g. {"PLACEMENT_BATCH_MAX":"1"}), and its node options. */
const ORDER_ENV = JSON.parse(process.env.FLASH_SALE_ORDER_ENV ?? '{}') as Record<string, string>
const ORDER_NODE_ARGS = process.env.FLASH_SALE_ORDER_NODE_ARGS?.split(' ').filter(Boolean)
const VARIANTS = (process.env.FLASH_SALE_VARIANTS ?? 'levers').split(',').map((v) => v.trim())
for (const variant of VARIANTS)
  if (!GATEWAY_VARIANTS[variant])
    throw new Error(`FLASH_SALE_VARIANTS: unknown "${variant}" (${Object.keys(GATEWAY_VARIANTS).join(', ')})`)

const RESULTS = join(ROOT, 'apps', 'order', 'bench', 'results')

interface Checked {
  orders: number
  distinctBuyers: number
  oversell: number
  sellThrough: number
  stock: { quantity: number; remaining: number; reserved: number; sold: number }
  created201: number
}

function report(name: string, load: Measured, checked?: Checked) {
  const l = load.latencyMs
  const lines = [
    `${name}: ${load.attemptsPerSecond} attempts/s (${load.attempts} in ${load.seconds} s), statuses ${JSON.stringify(load.byStatus)}, errors ${load.errors}, timeouts ${load.timeouts}`,
    `  CPU ms per attempt ${JSON.stringify(load.cpuMsPerAttempt)}; machine busy ${load.busyCores} of ${cpus().length} cores; ${load.ordersPerPlacementWrite} orders per placement write`,
    `  phases: selling ${load.phases.selling.seconds} s at ${load.phases.selling.attemptsPerSecond} attempts/s (${load.phases.selling.ordersPerSecond} orders/s), after the sell-out ${load.phases.afterSellOut.seconds} s at ${load.phases.afterSellOut.attemptsPerSecond} attempts/s`,
    `  latency ms  all p50 ${l.all.p50} p95 ${l.all.p95} p99 ${l.all.p99} | created p50 ${l.created.p50} p95 ${l.created.p95} p99 ${l.created.p99} | sold out p50 ${l.soldOut.p50} p95 ${l.soldOut.p95} p99 ${l.soldOut.p99}`,
  ]
  if (checked)
    lines.push(
      `  orders ${checked.orders} (201s ${checked.created201}, distinct buyers ${checked.distinctBuyers}), oversell ${checked.oversell}, sell-through ${(checked.sellThrough * 100).toFixed(1)} %, stock ${JSON.stringify(checked.stock)}`,
    )
  console.log(lines.join('\n'))
}

async function checkOrderService(
  stack: FlashSaleStack,
  dealId: string,
  load: LoadResult,
  stockUrl: string,
  stockHeaders: Record<string, string>,
): Promise<Checked> {
  const row = await queryOne<{ orders: number; buyers: number }>(
    stack.orderDb.url,
    'SELECT count(*)::int AS orders, count(DISTINCT user_id)::int AS buyers FROM orders WHERE deal_id = $1',
    [dealId],
  )
  const stock = (await (await fetch(stockUrl, { headers: stockHeaders })).json()) as Checked['stock']
  return verdict(row.orders, row.buyers, stock, load)
}

function verdict(orders: number, buyers: number, stock: Checked['stock'], load: LoadResult): Checked {
  const created201 = load.byStatus['201'] ?? 0
  const oversell = Math.max(0, orders - UNITS, stock.sold + stock.reserved - UNITS)
  const checked = { orders, distinctBuyers: buyers, oversell, sellThrough: orders / UNITS, stock, created201 }
  const problems = [
    oversell > 0 && `oversold by ${oversell}`,
    buyers !== orders && 'a buyer has two orders',
    created201 > orders && `${created201 - orders} answers 201 without an order`,
    stock.quantity !== stock.remaining + stock.reserved + stock.sold &&
      'sold + reserved + remaining != quantity',
    stock.reserved + stock.sold !== orders && 'the stock counters disagree with the orders',
  ].filter(Boolean)
  if (problems.length) throw new Error(`flash sale broken: ${problems.join('; ')}`)
  return checked
}

/** The gateway's own counters of edge answers and token-cache hits (of the worker that answers). */
async function edgeCounters(gatewayUrl: string) {
  const samples = parseMetrics(await (await fetch(`${gatewayUrl}/metrics`)).text())
  const counted = (name: string, label: string, value: string) =>
    samples.filter((m) => m.name === name && m.labels[label] === value).reduce((sum, m) => sum + m.value, 0)
  return {
    answeredAtTheEdge: counted('gateway_edge_answers_total', 'code', 'SOLD_OUT'),
    tokenCacheHits: counted('gateway_token_cache_lookups_total', 'result', 'hit'),
  }
}

/** The order service's placement writes so far: transactions and the orders they carried. */
async function placementBatches(orderUrl: string) {
  const samples = parseMetrics(await (await fetch(`${orderUrl}/metrics`)).text())
  const total = (name: string) => samples.filter((m) => m.name === name).reduce((sum, m) => sum + m.value, 0)
  return {
    batches: total('order_placement_batch_size_count'),
    orders: total('order_placement_batch_size_sum'),
  }
}

/**
 * CPU ms per attempt by process (the measured ones, the load generator, the infrastructure,
 * other), and how many orders the order service wrote per transaction on average.
 */
type Measured = LoadResult & {
  cpuMsPerAttempt: Record<string, number>
  busyCores: number
  ordersPerPlacementWrite: number
}

const body = (dealId: string) => JSON.stringify({ dealId, quantity: 1, paymentMethod: 'WALLET' })

const referenceAtStart = referenceLoopMs()
console.log(
  `flash sale: ${UNITS} units, ${BUYERS} buyers, ${CONNECTIONS} connections, at most ${MAX_SECONDS} s per run; ${cpus().length} cores, load average ${loadavg()[0]!.toFixed(2)}, reference loop ${referenceAtStart} ms (lower is faster)`,
)
const stack = await startFlashSaleStack(ORDER_ENV, ORDER_NODE_ARGS)
// Stopped early (Ctrl-C, a CI job's timeout): the services stop and the run's databases, vhost and
// Redis keys go, as they do at the end of a run.
for (const signal of ['SIGINT', 'SIGTERM'] as const)
  process.once(signal, () => {
    console.log(`${signal}: stopping the services, removing this run's databases, vhost and keys`)
    void stack.close().finally(() => process.exit(130))
  })
try {
  const minting = performance.now()
  const everyone: Buyer[] = await mintBuyerTokens({
    authDatabaseUrl: stack.authDb.url,
    dataEncryptionKey: stack.dataEncryptionKey,
    issuer: JWT_ISSUER,
    audience: JWT_AUDIENCE,
    count: BUYERS + WARMUP,
    ttlSeconds: 3_600,
  })
  const buyers = everyone.slice(0, BUYERS)
  const warmupBuyers = everyone.slice(BUYERS)
  console.log(
    `${everyone.length} access tokens signed with auth's key in ${((performance.now() - minting) / 1000).toFixed(1)} s`,
  )

  /** One load against a target, with the CPU its processes spent on it, per attempt. */
  async function measure(
    target: { url: string; path: string; processes: ServiceProcess[] },
    dealId: string,
    headersOf: (buyer: Buyer) => Record<string, string>,
    who: Buyer[] = buyers,
    attempts = ATTEMPTS,
  ) {
    const cpuBefore = target.processes.map((p) => p.cpuSeconds())
    const machineBefore = cpuSnapshot()
    const ownBefore = process.cpuUsage()
    const batchesBefore = await placementBatches(stack.order.url)
    const load = await runPurchaseLoad({
      url: target.url,
      path: target.path,
      connections: CONNECTIONS,
      attempts,
      maxSeconds: MAX_SECONDS,
      headersOf: (i) => headersOf(who[i % who.length]!),
      bodyOf: () => body(dealId),
    })
    const own = process.cpuUsage(ownBefore)
    const batchesAfter = await placementBatches(stack.order.url)
    const spent: Record<string, number> = Object.fromEntries(
      target.processes.map((p, i) => [p.name, p.cpuSeconds() - cpuBefore[i]!]),
    )
    spent['load generator'] = (own.user + own.system) / 1e6
    const machine = cpuBetween(
      machineBefore,
      cpuSnapshot(),
      Object.values(spent).reduce((sum, s) => sum + s, 0),
    )
    Object.assign(spent, machine.parts)
    const perAttempt = (seconds: number) => Math.round((seconds * 1e6) / Math.max(1, load.attempts)) / 1000
    const cpuMsPerAttempt = Object.fromEntries(
      Object.entries(spent).map(([name, s]) => [name, perAttempt(s)]),
    )
    const busyCores = Math.round((machine.busy / load.seconds) * 100) / 100
    const batches = batchesAfter.batches - batchesBefore.batches
    const ordersPerPlacementWrite =
      batches > 0 ? Math.round(((batchesAfter.orders - batchesBefore.orders) / batches) * 10) / 10 : 0
    return { ...load, cpuMsPerAttempt, busyCores, ordersPerPlacementWrite }
  }
  const viaGateway = (gateway: ServiceProcess) => ({
    url: gateway.url,
    path: '/api/orders',
    processes: [gateway, stack.order],
  })
  const bearerOf = (buyer: Buyer) => ({ authorization: `Bearer ${buyer.token}` })
  const signedAs = (buyer: Buyer) =>
    signIdentityHeaders(stack.signingSecret, { userId: buyer.userId, roles: ['BUYER'] })

  type GatewayRun = {
    load: Measured
    checked: Checked
    edge: { answeredAtTheEdge: number; tokenCacheHits: number }
    settings: Record<string, string>
  }
  const gatewayRuns: Record<string, GatewayRun> = {}
  let chartSource: { scraper: MetricsScraper; dealId: string; variant: string } | undefined
  for (const variant of VARIANTS) {
    const gateway = await stack.startGateway(
      { ...GATEWAY_VARIANTS[variant]!, ...GATEWAY_ENV },
      GATEWAY_NODE_ARGS,
    )
    const warmupDeal = await stack.openDeal(Math.max(1, Math.floor(WARMUP / 5)))
    await measure(viaGateway(gateway), warmupDeal.dealId, bearerOf, warmupBuyers, WARMUP)
    const deal = await stack.openDeal(UNITS)
    const countersBefore = await edgeCounters(gateway.url)
    const last = variant === VARIANTS.at(-1)
    const scraper = new MetricsScraper({ gateway: gateway.url, order: stack.order.url })
    if (last) scraper.start()
    console.log(`through the gateway (${variant}): warmed up with ${WARMUP} purchases, measuring`)
    const load = await measure(viaGateway(gateway), deal.dealId, bearerOf)
    if (last) {
      await scraper.stop()
      chartSource = { scraper, dealId: deal.dealId, variant }
    }
    const counters = await edgeCounters(gateway.url)
    const edge = {
      answeredAtTheEdge: counters.answeredAtTheEdge - countersBefore.answeredAtTheEdge,
      tokenCacheHits: counters.tokenCacheHits - countersBefore.tokenCacheHits,
    }
    console.log(
      `  edge answers ${edge.answeredAtTheEdge}, token cache hits ${edge.tokenCacheHits} (one worker's counters)`,
    )
    const checked = await checkOrderService(
      stack,
      deal.dealId,
      load,
      `${gateway.url}/api/orders/deals/${deal.dealId}/stock`,
      {},
    )
    report(`through the gateway (${variant})`, load, checked)
    gatewayRuns[variant] = { load, checked, edge, settings: GATEWAY_VARIANTS[variant]! }
  }

  const straight = { url: stack.order.url, path: '/', processes: [stack.order] }
  const directWarmup = await stack.openDeal(Math.max(1, Math.floor(WARMUP / 5)))
  await measure(straight, directWarmup.dealId, signedAs, warmupBuyers, WARMUP)
  const directDeal = await stack.openDeal(UNITS)
  const direct = await measure(straight, directDeal.dealId, signedAs)
  const directChecked = await checkOrderService(
    stack,
    directDeal.dealId,
    direct,
    `${stack.order.url}/deals/${directDeal.dealId}/stock`,
    signIdentityHeaders(stack.signingSecret),
  )
  report('straight to the order service (Redis reservation)', direct, directChecked)

  const postgresOnly = { url: stack.pgOnly.url, path: '/reserve', processes: [stack.pgOnly] }
  const userIdOf = (buyer: Buyer) => ({ 'x-user-id': buyer.userId })
  await stack.openPgOnlyDeal(directWarmup.dealId, Math.max(1, Math.floor(WARMUP / 5)))
  await measure(postgresOnly, directWarmup.dealId, userIdOf, warmupBuyers, WARMUP)
  await stack.openPgOnlyDeal(directDeal.dealId, UNITS)
  const pgOnly = await measure(postgresOnly, directDeal.dealId, userIdOf)
  const pgRow = await queryOne<{ orders: number; buyers: number; remaining: number }>(
    stack.pgOnlyDb.url,
    `SELECT (SELECT count(*)::int FROM pg_only_orders WHERE deal_id = $1) AS orders,
            (SELECT count(DISTINCT user_id)::int FROM pg_only_orders WHERE deal_id = $1) AS buyers,
            (SELECT remaining FROM pg_only_deals WHERE id = $1) AS remaining`,
    [directDeal.dealId],
  )
  const pgChecked = verdict(
    pgRow.orders,
    pgRow.buyers,
    { quantity: UNITS, remaining: pgRow.remaining, reserved: 0, sold: pgRow.orders },
    pgOnly,
  )
  report('straight to a bare PostgreSQL-only server (node:http, one statement)', pgOnly, pgChecked)

  const race = await raceReservations({
    redisUrl: stack.raceRedis.url,
    redisKeyPrefix: stack.raceRedis.prefix,
    databaseUrl: stack.pgOnlyDb.url,
    units: UNITS,
    buyers: buyers.map((b) => b.userId),
    concurrency: CONNECTIONS,
  })
  for (const [name, r] of Object.entries(race)) {
    if (r.oversell > 0) throw new Error(`the ${name} reservation oversold by ${r.oversell}`)
    console.log(
      `reservation alone, ${name}: ${r.attemptsPerSecond} attempts/s, ${r.orders} orders, latency ms p50 ${r.latencyMs.p50} p95 ${r.latencyMs.p95} p99 ${r.latencyMs.p99}`,
    )
  }

  const main = gatewayRuns[VARIANTS.at(-1)!]!
  const ratio = (a: number, b: number) => Math.round((a / b) * 100) / 100
  const comparisons = {
    gatewayCost: {
      throughGatewayPerSecond: main.load.attemptsPerSecond,
      directPerSecond: direct.attemptsPerSecond,
      throughputRatio: ratio(main.load.attemptsPerSecond, direct.attemptsPerSecond),
      p99Ratio: ratio(main.load.latencyMs.all.p99, direct.latencyMs.all.p99),
      gatewayCpuMsPerAttempt: main.load.cpuMsPerAttempt.gateway,
    },
    designGain: {
      redisPerSecond: race.redis.attemptsPerSecond,
      postgresOnlyPerSecond: race.postgresOnly.attemptsPerSecond,
      throughputRatio: ratio(race.redis.attemptsPerSecond, race.postgresOnly.attemptsPerSecond),
      p99Ratio: ratio(race.postgresOnly.latencyMs.p99, race.redis.latencyMs.p99),
    },
    orderServiceAgainstBarePostgresServer: {
      orderServicePerSecond: direct.attemptsPerSecond,
      barePostgresOnlyPerSecond: pgOnly.attemptsPerSecond,
      throughputRatio: ratio(direct.attemptsPerSecond, pgOnly.attemptsPerSecond),
    },
  }
  console.log(
    `gateway's cost: ${comparisons.gatewayCost.throughputRatio}x the direct throughput, p99 ${comparisons.gatewayCost.p99Ratio}x the direct p99`,
  )
  console.log(
    `design's gain (reservation and order row, no HTTP): Redis does ${comparisons.designGain.throughputRatio}x the attempts/s of PostgreSQL only; PostgreSQL only has ${comparisons.designGain.p99Ratio}x the p99`,
  )

  mkdirSync(RESULTS, { recursive: true })
  let chart: string | undefined
  if (chartSource) {
    const { scraper, dealId, variant } = chartSource
    // The buyers' own view: a scrape of a gateway with two worker processes sees one of them.
    const gw = main.load.timeline
    const forwarded = routeSeries(
      scraper.scrapes.get('order')!,
      'http_server_request_duration_seconds',
      (l) => l.method === 'POST' && l.route === '/',
    )
    const remaining = gaugeSeries(
      scraper.scrapes.get('order')!,
      'order_stock_remaining',
      (l) => l.deal_id === dealId,
    )
    const pts = <T extends { atSeconds: number }>(series: T[], pick: (p: T) => number) =>
      series.map((p) => ({ x: p.atSeconds, y: pick(p) }))
    chart = join(RESULTS, 'flash-sale.svg')
    writeFileSync(
      chart,
      renderChart(
        `Flash sale through the gateway: ${UNITS.toLocaleString('en')} units, ${BUYERS.toLocaleString('en')} buyers, ${CONNECTIONS} connections`,
        `gateway settings "${variant}"; ${main.load.attemptsPerSecond} attempts/s, p99 ${main.load.latencyMs.all.p99} ms; answers and latency as the buyers saw them, the rest from order's /metrics`,
        [
          {
            title: 'Purchase attempts per second',
            unit: 'requests/s',
            lines: [
              { label: 'answered', color: '#1f77b4', points: pts(gw, (p) => p.perSecond) },
              { label: 'reaching order', color: '#ff7f0e', points: pts(forwarded, (p) => p.perSecond) },
            ],
          },
          {
            title: 'Latency of POST /api/orders through the gateway, as the buyers saw it',
            unit: 'ms',
            lines: [
              { label: 'p50', color: '#2ca02c', points: pts(gw, (p) => p.p50Ms) },
              { label: 'p95', color: '#ff7f0e', points: pts(gw, (p) => p.p95Ms) },
              { label: 'p99', color: '#d62728', points: pts(gw, (p) => p.p99Ms) },
            ],
          },
          {
            title: 'Units remaining (order_stock_remaining)',
            unit: 'units',
            lines: [
              {
                label: 'remaining',
                color: '#9467bd',
                points: remaining.map((p) => ({ x: p.atSeconds, y: p.value })),
              },
            ],
          },
        ],
      ),
    )
    console.log(`chart: ${chart.slice(ROOT.length)}`)
  }

  const targets = {
    attemptsPerSecond: main.load.attemptsPerSecond >= 5_000,
    p99Under50ms: main.load.latencyMs.all.p99 < 50,
    zeroOversell: main.checked.oversell === 0,
    fullSellThrough: main.checked.orders === UNITS,
  }
  const referenceAtEnd = referenceLoopMs()
  console.log(
    `reference loop ${referenceAtStart} ms at the start, ${referenceAtEnd} ms at the end (the machine's own speed; compare runs at similar values)`,
  )
  console.log(`targets (5,000/s, p99 < 50 ms, no oversell, full sell-through): ${JSON.stringify(targets)}`)
  writeFileSync(
    join(RESULTS, 'flash-sale.json'),
    `${JSON.stringify(
      {
        measuredAt: new Date().toISOString(),
        machine: {
          cores: cpus().length,
          model: cpus()[0]?.model,
          loadAverage1m: loadavg()[0],
          referenceLoopMs: { atStart: referenceAtStart, atEnd: referenceAtEnd },
        },
        settings: {
          units: UNITS,
          buyers: BUYERS,
          connections: CONNECTIONS,
          maxSecondsPerRun: MAX_SECONDS,
          variants: VARIANTS,
        },
        throughGateway: gatewayRuns,
        straightToOrder: { load: direct, checked: directChecked },
        barePostgresOnlyServer: { load: pgOnly, checked: pgChecked },
        reservationRace: race,
        comparisons,
        targets,
        chart: chart?.slice(ROOT.length),
      },
      null,
      2,
    )}\n`,
  )
} finally {
  await stack.close()
}
