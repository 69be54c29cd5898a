// Reads the services' Prometheus /metrics once a second during a run and turns consecutive
// scrapes into a time series: requests per second of a route and its latency quantiles (from the
// histogram's bucket deltas, the way histogram_quantile does), and a gauge's value.

export interface Sample {
  name: string
  labels: Record<string, string>
  value: number
}

const LINE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)/
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g

export function parseMetrics(text: string): Sample[] {
  const samples: Sample[] = []
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue
    const m = LINE.exec(line)
    if (!m) continue
    const labels: Record<string, string> = {}
    for (const [, key, value] of (m[2] ?? '').matchAll(LABEL)) labels[key!] = value!
    samples.push({ name: m[1]!, labels, value: Number(m[3]) })
  }
  return samples
}

export interface Scrape {
  atMs: number
  samples: Sample[]
}

export class MetricsScraper {
  readonly scrapes = new Map<string, Scrape[]>()
  #timer: NodeJS.Timeout | undefined
  #pending: Promise<unknown> = Promise.resolve()

  constructor(private readonly targets: Record<string, string>) {
    for (const name of Object.keys(targets)) this.scrapes.set(name, [])
  }

  start(everyMs = 1_000): void {
    const t0 = Date.now()
    const tick = () => {
      this.#pending = Promise.all(
        Object.entries(this.targets).map(async ([name, url]) => {
          const text = await fetch(`${url}/metrics`).then((res) => res.text())
          this.scrapes.get(name)!.push({ atMs: Date.now() - t0, samples: parseMetrics(text) })
        }),
      ).catch(() => {})
    }
    tick()
    this.#timer = setInterval(tick, everyMs)
  }

  async stop(): Promise<void> {
    clearInterval(this.#timer)
    await this.#pending
  }
}

export interface RoutePoint {
  atSeconds: number
  perSecond: number
  p50Ms: number
  p95Ms: number
  p99Ms: number
}

type Matcher = (labels: Record<string, string>) => boolean

function histogramAt(scrape: Scrape, metric: string, match: Matcher) {
  const buckets = new Map<number, number>()
  let count = 0
  for (const s of scrape.samples) {
    if (!match(s.labels)) continue
    if (s.name === `${metric}_bucket`) {
      const le = s.labels.le === '+Inf' ? Number.POSITIVE_INFINITY : Number(s.labels.le)
      buckets.set(le, (buckets.get(le) ?? 0) + s.value)
    } else if (s.name === `${metric}_count`) count += s.value
  }
  return { buckets, count }
}

/** The value below which a fraction q of the interval's observations fell, in milliseconds. */
function quantile(q: number, buckets: [number, number][]): number {
  const total = buckets.at(-1)?.[1] ?? 0
  if (total <= 0) return 0
  const rank = q * total
  let lowerBound = 0
  let lowerCount = 0
  for (const [le, cumulative] of buckets) {
    if (cumulative >= rank) {
      if (!Number.isFinite(le)) return lowerBound * 1000
      const inBucket = cumulative - lowerCount
      const fraction = inBucket > 0 ? (rank - lowerCount) / inBucket : 1
      return (lowerBound + (le - lowerBound) * fraction) * 1000
    }
    lowerBound = le
    lowerCount = cumulative
  }
  return lowerBound * 1000
}

/** Rate and latency quantiles of the matched series of a histogram, between consecutive scrapes. */
export function routeSeries(scrapes: Scrape[], metric: string, match: Matcher): RoutePoint[] {
  const points: RoutePoint[] = []
  for (let i = 1; i < scrapes.length; i++) {
    const before = histogramAt(scrapes[i - 1]!, metric, match)
    const after = histogramAt(scrapes[i]!, metric, match)
    const seconds = (scrapes[i]!.atMs - scrapes[i - 1]!.atMs) / 1000
    const deltas = [...after.buckets.entries()]
      .sort(([a], [b]) => a - b)
      .map(([le, value]) => [le, value - (before.buckets.get(le) ?? 0)] as [number, number])
    const round = (v: number) => Math.round(v * 10) / 10
    points.push({
      atSeconds: scrapes[i]!.atMs / 1000,
      perSecond: Math.round((after.count - before.count) / seconds),
      p50Ms: round(quantile(0.5, deltas)),
      p95Ms: round(quantile(0.95, deltas)),
      p99Ms: round(quantile(0.99, deltas)),
    })
  }
  return points
}

/** A gauge's value at each scrape (summed over the matched series). */
export function gaugeSeries(scrapes: Scrape[], metric: string, match: Matcher) {
  return scrapes.map((scrape) => ({
    atSeconds: scrape.atMs / 1000,
    value: scrape.samples
      .filter((s) => s.name === metric && match(s.labels))
      .reduce((sum, s) => sum + s.value, 0),
  }))
}
