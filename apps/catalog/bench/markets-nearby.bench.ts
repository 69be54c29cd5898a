// Nearby markets at scale: 100,000 markets over South Korea (most around its cities), the
// catalog service on 127.0.0.1, `GET /markets/nearby` from 10 autocannon connections for 10 s
// per scenario at random points near the cities. Prints requests/s and latency percentiles and
// writes bench/results/markets-nearby.json.
import { mkdirSync, writeFileSync } from 'node:fs'
import { cpus } from 'node:os'
import autocannon from 'autocannon'
import { gatewayHeaders } from '@deals/service-kit/testing'
import { sql, startTestCatalogApp } from '../test/support/test-catalog-app.ts'

const MARKETS = 100_000
const DURATION_SECONDS = 10
const CONNECTIONS = 10
const CITIES = [
  { lat: 37.5665, lng: 126.978 },
  { lat: 35.1796, lng: 129.0756 },
  { lat: 35.8714, lng: 128.6014 },
  { lat: 37.4563, lng: 126.7052 },
  { lat: 35.1595, lng: 126.8526 },
  { lat: 36.3504, lng: 127.3845 },
]

/** Deterministic points: the bench asks the same questions on every run. */
function points(count: number, seed: number) {
  let state = seed
  const next = () => (state = (state * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31
  return Array.from({ length: count }, () => {
    const city = CITIES[Math.floor(next() * CITIES.length)]!
    return { lat: city.lat + (next() - 0.5) * 0.3, lng: city.lng + (next() - 0.5) * 0.3 }
  })
}

const t = await startTestCatalogApp({ LOG_LEVEL: 'warn' })
try {
  // 70 % around the six cities (about ±30 km), 30 % anywhere over the mainland box.
  await sql(
    t,
    `SELECT setseed(0.42);
     INSERT INTO markets (id, name, address, lat, lng, updated_at)
     SELECT gen_random_uuid(), '시장 ' || g, '주소 ' || g,
            CASE WHEN g % 10 < 7 THEN c.lat + (random() + random() + random() - 1.5) * 0.5 ELSE 34.5 + random() * 3.5 END,
            CASE WHEN g % 10 < 7 THEN c.lng + (random() + random() + random() - 1.5) * 0.6 ELSE 126.3 + random() * 3.0 END,
            now()
       FROM generate_series(1, ${MARKETS}) g
       JOIN (VALUES ${CITIES.map((c, i) => `(${i}, ${c.lat}, ${c.lng})`).join(', ')}) AS c(i, lat, lng)
         ON c.i = g % ${CITIES.length};
     ANALYZE markets`,
  )
  const address = await t.app.listen({ host: '127.0.0.1', port: 0 })

  async function scenario(name: string, radiusKm: number, limit: number) {
    const asked = points(10_000, 7)
    let i = 0
    const run = await autocannon({
      url: address,
      connections: CONNECTIONS,
      duration: DURATION_SECONDS,
      // Signed once: the gateway signature stays valid for 60 s, longer than a scenario.
      headers: gatewayHeaders(),
      requests: [
        {
          method: 'GET',
          setupRequest: (request) => {
            const p = asked[i++ % asked.length]!
            return {
              ...request,
              path: `/markets/nearby?lat=${p.lat}&lng=${p.lng}&radiusKm=${radiusKm}&limit=${limit}`,
            }
          },
        },
      ],
    })
    const figures = {
      radiusKm,
      limit,
      requestsPerSecond: Math.round(run.requests.average),
      latencyMs: { p50: run.latency.p50, p90: run.latency.p90, p99: run.latency.p99, max: run.latency.max },
      requests: run.requests.total,
      non2xx: run.non2xx,
      errors: run.errors,
    }
    console.log(
      `${name}: ${figures.requestsPerSecond} req/s, p50 ${figures.latencyMs.p50} ms, p99 ${figures.latencyMs.p99} ms ` +
        `(${figures.requests} requests, ${figures.non2xx} non-2xx, ${figures.errors} errors)`,
    )
    return figures
  }

  console.log(
    `nearby markets: ${MARKETS} markets, ${CONNECTIONS} connections, ${DURATION_SECONDS} s per scenario`,
  )
  const neighbourhood = await scenario('5 km, 20 per page', 5, 20)
  const widest = await scenario('50 km, 100 per page', 50, 100)
  const result = {
    scenario: 'catalog GET /markets/nearby',
    date: new Date().toISOString(),
    machine: { cpus: cpus().length, model: cpus()[0]?.model },
    markets: MARKETS,
    connections: CONNECTIONS,
    durationSeconds: DURATION_SECONDS,
    neighbourhood,
    widest,
  }
  mkdirSync(new URL('./results/', import.meta.url), { recursive: true })
  writeFileSync(
    new URL('./results/markets-nearby.json', import.meta.url),
    `${JSON.stringify(result, null, 2)}\n`,
  )
} finally {
  await t.close()
}
