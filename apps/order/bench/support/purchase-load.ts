// Fires one purchase attempt per buyer at a URL with autocannon, as many connections at once as
// asked, and keeps each answer's latency by outcome, so success and sold-out are told apart.
import { randomUUID } from 'node:crypto'
import autocannon from 'autocannon'

export interface LoadOptions {
  url: string
  path: string
  connections: number
  /** Requests in all: one per buyer. */
  attempts: number
  /** Stops the run when reached, whatever is left. */
  maxSeconds: number
  /** Headers of the i-th attempt (its buyer's credentials). */
  headersOf: (i: number) => Record<string, string>
  bodyOf: (i: number) => string
}

export interface Percentiles {
  count: number
  p50: number
  p95: number
  p99: number
  max: number
}

export interface LoadResult {
  attempts: number
  seconds: number
  attemptsPerSecond: number
  byStatus: Record<string, number>
  errors: number
  timeouts: number
  latencyMs: { all: Percentiles; created: Percentiles; soldOut: Percentiles; other: Percentiles }
  /**
   * The run in two phases, split at the last 201: while units were still being sold (every
   * success is a PostgreSQL write) and after (every answer a refusal).
   */
  phases: {
    selling: { seconds: number; attemptsPerSecond: number; ordersPerSecond: number }
    afterSellOut: { seconds: number; attemptsPerSecond: number }
  }
  /** Second by second, as the buyers saw it: answers in that second and their latency. */
  timeline: { atSeconds: number; perSecond: number; p50Ms: number; p95Ms: number; p99Ms: number }[]
}

export function percentiles(values: number[]): Percentiles {
  const sorted = Float64Array.from(values).sort()
  const at = (q: number) =>
    sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]! : 0
  const round = (v: number) => Math.round(v * 100) / 100
  return {
    count: sorted.length,
    p50: round(at(0.5)),
    p95: round(at(0.95)),
    p99: round(at(0.99)),
    max: round(sorted.length ? sorted[sorted.length - 1]! : 0),
  }
}

export async function runPurchaseLoad(options: LoadOptions): Promise<LoadResult> {
  let next = 0
  const created: number[] = []
  const soldOut: number[] = []
  const other: number[] = []
  const started = performance.now()
  const instance = autocannon({
    url: options.url,
    connections: options.connections,
    amount: options.attempts,
    timeout: 10,
    requests: [
      {
        method: 'POST',
        path: options.path,
        setupRequest: (request) => {
          const i = next++ % options.attempts
          return {
            ...request,
            headers: {
              'content-type': 'application/json',
              'idempotency-key': randomUUID(),
              ...options.headersOf(i),
            },
            body: options.bodyOf(i),
          }
        },
      },
    ],
  }) as unknown as autocannon.Instance & Promise<autocannon.Result>
  // Answers are classified by status: 201 created, 409 the sold-out answer (the bench's buyers
  // each try once, so no purchase-limit refusals), anything else kept apart and reported.
  const bySecond: number[][] = []
  // autocannon ends a run at its next one-second tick, not at the last answer: the run's length
  // is measured to the last answer instead.
  let lastAnswerAt = started
  let lastCreatedAt = started
  let answeredWhenLastCreated = 0
  instance.on('response', (_client: unknown, status: number, _bytes: number, ms: number) => {
    lastAnswerAt = performance.now()
    if (status === 201) {
      lastCreatedAt = lastAnswerAt
      answeredWhenLastCreated = created.length + soldOut.length + other.length + 1
    }
    ;(status === 201 ? created : status === 409 ? soldOut : other).push(ms)
    ;(bySecond[Math.floor((performance.now() - started) / 1000)] ??= []).push(ms)
  })
  const stop = setTimeout(() => instance.stop(), options.maxSeconds * 1000)
  const result = await instance
  clearTimeout(stop)
  const seconds = (lastAnswerAt - started) / 1000
  const byStatus: Record<string, number> = {}
  for (const [status, { count }] of Object.entries(result.statusCodeStats ?? {}))
    byStatus[status] = count ?? 0
  const answered = created.length + soldOut.length + other.length
  const perSecond = (count: number, ms: number) => (ms > 0 ? Math.round((count * 1000) / ms) : 0)
  const sellingMs = lastCreatedAt - started
  const afterMs = lastAnswerAt - lastCreatedAt
  return {
    attempts: answered,
    seconds: Math.round(seconds * 100) / 100,
    attemptsPerSecond: Math.round(answered / seconds),
    byStatus,
    errors: result.errors,
    timeouts: result.timeouts,
    latencyMs: {
      all: percentiles([...created, ...soldOut, ...other]),
      created: percentiles(created),
      soldOut: percentiles(soldOut),
      other: percentiles(other),
    },
    phases: {
      selling: {
        seconds: Math.round(sellingMs / 10) / 100,
        attemptsPerSecond: perSecond(answeredWhenLastCreated, sellingMs),
        ordersPerSecond: perSecond(created.length, sellingMs),
      },
      afterSellOut: {
        seconds: Math.round(afterMs / 10) / 100,
        attemptsPerSecond: perSecond(answered - answeredWhenLastCreated, afterMs),
      },
    },
    timeline: Array.from(bySecond, (latencies = [], second) => {
      const { p50, p95, p99 } = percentiles(latencies)
      return { atSeconds: second + 1, perSecond: latencies.length, p50Ms: p50, p95Ms: p95, p99Ms: p99 }
    }),
  }
}
