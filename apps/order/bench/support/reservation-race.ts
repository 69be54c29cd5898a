// The design's choice alone, without HTTP or the services around it: every buyer tries once to
// take a unit of one deal, many at a time, and each success writes its order row. With Redis,
// the order service's own reservation script decides and the order insert touches no shared
// row; with PostgreSQL only, `UPDATE ... SET remaining = remaining - 1 WHERE remaining > 0` and the
// order insert are one statement, so every attempt queues on the deal's row lock until the
// previous one commits. Same pool, same concurrency, same process.
import { randomUUID } from 'node:crypto'
import pg from 'pg'
import { Redis } from 'ioredis'
import { StockCounters } from '../../src/domain/inventory/stock-counters.ts'
import { dealSnapshot } from '../../test/support/test-order-app.ts'
import { percentiles, type Percentiles } from './purchase-load.ts'

export interface RaceResult {
  attemptsPerSecond: number
  orders: number
  oversell: number
  latencyMs: Percentiles
}

export interface RaceOptions {
  redisUrl: string
  redisKeyPrefix: string
  databaseUrl: string
  units: number
  buyers: string[]
  concurrency: number
}

async function race(
  buyers: string[],
  concurrency: number,
  attempt: (userId: string) => Promise<boolean>,
): Promise<{ seconds: number; taken: number; latencies: number[] }> {
  let next = 0
  let taken = 0
  const latencies: number[] = []
  const started = performance.now()
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < buyers.length) {
        const userId = buyers[next++]!
        const t = performance.now()
        if (await attempt(userId)) taken++
        latencies.push(performance.now() - t)
      }
    }),
  )
  return { seconds: (performance.now() - started) / 1000, taken, latencies }
}

const summary = (run: Awaited<ReturnType<typeof race>>, orders: number, units: number): RaceResult => ({
  attemptsPerSecond: Math.round(run.latencies.length / run.seconds),
  orders,
  oversell: Math.max(0, orders - units),
  latencyMs: percentiles(run.latencies),
})

export async function raceReservations(options: RaceOptions) {
  const { units, buyers, concurrency } = options
  const pool = new pg.Pool({ connectionString: options.databaseUrl, max: 10 })
  const redis = new Redis(options.redisUrl, { keyPrefix: `${options.redisKeyPrefix}race:` })
  try {
    await pool.query('CREATE TABLE IF NOT EXISTS race_orders (LIKE pg_only_orders INCLUDING ALL)')
    const count = async (table: string, dealId: string) =>
      (
        await pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table} WHERE deal_id = $1`, [
          dealId,
        ])
      ).rows[0]!.n

    const stock = new StockCounters(redis)
    const deal = dealSnapshot({ quantity: units, productName: 'Reservation race' })
    await stock.syncDeal(deal, true)
    const deadline = new Date(Date.now() + 3_600_000)
    const viaRedis = await race(buyers, concurrency, async (userId) => {
      const { outcome } = await stock.reserve({
        dealId: deal.dealId,
        reservationId: randomUUID(),
        userId,
        quantity: 1,
        deadline,
        now: new Date(),
      })
      if (outcome !== 'RESERVED') return false
      await pool.query('INSERT INTO race_orders (deal_id, user_id) VALUES ($1, $2)', [deal.dealId, userId])
      return true
    })

    const pgDeal = randomUUID()
    await pool.query('INSERT INTO pg_only_deals (id, remaining) VALUES ($1, $2)', [pgDeal, units])
    const postgresOnly = await race(buyers, concurrency, async (userId) => {
      const { rowCount } = await pool.query(
        `WITH taken AS (
           UPDATE pg_only_deals SET remaining = remaining - 1 WHERE id = $1 AND remaining > 0 RETURNING id
         )
         INSERT INTO pg_only_orders (deal_id, user_id) SELECT id, $2 FROM taken`,
        [pgDeal, userId],
      )
      return rowCount === 1
    })
    return {
      redis: summary(viaRedis, await count('race_orders', deal.dealId), units),
      postgresOnly: summary(postgresOnly, await count('pg_only_orders', pgDeal), units),
    }
  } finally {
    redis.disconnect()
    await pool.end()
  }
}
