import { after, before, beforeEach, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { setTimeout as sleep } from 'node:timers/promises'
import pg from 'pg'
import { Registry } from 'prom-client'
import { createTestDatabase, type TestDatabase } from '@deals/testing'
import { createServer, metricsPlugin, retentionPlugin, RowRetention, type RawExecutor } from '../src/index.ts'

const HOUR = 3_600_000

let db: TestDatabase
let pool: pg.Pool
let executor: RawExecutor

before(async () => {
  db = await createTestDatabase({ prefix: 'kit_retention' })
  pool = new pg.Pool({ connectionString: db.url, max: 6 })
  executor = { $executeRawUnsafe: async (sql, ...values) => (await pool.query(sql, values)).rowCount ?? 0 }
  await pool.query(`CREATE TABLE seen (id int PRIMARY KEY, at timestamptz NOT NULL);
                    CREATE INDEX seen_at_idx ON seen (at)`)
})

after(async () => {
  await pool.end()
  await db.drop()
})

beforeEach(async () => {
  await pool.query('TRUNCATE seen')
})

/** `old` rows aged 2 to 3 hours (ids from 1) and `fresh` rows aged under an hour (ids from 100,001). */
async function seed(old: number, fresh: number): Promise<void> {
  await pool.query(
    `INSERT INTO seen (id, at)
     SELECT i, now() - interval '2 hours' - i * interval '1 millisecond' FROM generate_series(1, $1::int) i
     UNION ALL
     SELECT 100000 + i, now() - interval '30 minutes' FROM generate_series(1, $2::int) i`,
    [old, fresh],
  )
}

const remaining = async () =>
  (await pool.query<{ id: number }>('SELECT id FROM seen ORDER BY id')).rows.map((r) => r.id)

const rule = { table: 'seen', column: 'at', retainMs: HOUR }

describe('RowRetention', () => {
  test('deletes the rows past their retention, oldest first, a chunk at a time, and keeps the rest', async () => {
    await seed(25, 5)
    const retention = new RowRetention({
      db: executor,
      rules: [rule],
      intervalMs: HOUR,
      chunkSize: 10,
      maxChunks: 2,
    })

    const first = await retention.sweep()
    // Two chunks of ten, the oldest (largest ids: the most milliseconds subtracted) first.
    assert.deepEqual(first, { deleted: { seen: 20 }, more: true })
    const afterFirst = await remaining()
    assert.deepEqual(
      afterFirst.filter((id) => id < 100000),
      [1, 2, 3, 4, 5],
    )

    assert.deepEqual(await retention.sweep(), { deleted: { seen: 5 }, more: false })
    assert.deepEqual(await remaining(), [100001, 100002, 100003, 100004, 100005])
    assert.deepEqual(await retention.sweep(), { deleted: { seen: 0 }, more: false })
  })

  test('replicas sweeping at once delete every expired row once between them, without an error', async () => {
    await seed(6000, 50)
    const replicas = Array.from(
      { length: 4 },
      () => new RowRetention({ db: executor, rules: [rule], intervalMs: HOUR, chunkSize: 200 }),
    )

    const results = await Promise.all(replicas.map((r) => r.sweep(Number.POSITIVE_INFINITY)))

    const total = results.reduce((sum, r) => sum + r.deleted.seen!, 0)
    assert.equal(total, 6000)
    const left = await remaining()
    assert.equal(left.length, 50)
    assert.ok(left.every((id) => id > 100000))
  })

  test('a row locked by a writer is skipped, not waited for, and deleted by a later sweep', async () => {
    await seed(3, 0)
    const writer = await pool.connect()
    try {
      await writer.query('BEGIN')
      await writer.query('SELECT * FROM seen WHERE id = 2 FOR UPDATE')
      const retention = new RowRetention({ db: executor, rules: [rule], intervalMs: HOUR })

      assert.deepEqual(await retention.sweep(), { deleted: { seen: 2 }, more: false })
      assert.deepEqual(await remaining(), [2])
      await writer.query('COMMIT')
      assert.deepEqual(await retention.sweep(), { deleted: { seen: 1 }, more: false })
      assert.deepEqual(await remaining(), [])
    } finally {
      writer.release()
    }
  })

  test('refuses a rule that is not a plain identifier or keeps rows for no time', () => {
    const make = (table: string, column: string, retainMs: number) => () =>
      new RowRetention({ db: executor, rules: [{ table, column, retainMs }], intervalMs: HOUR })
    assert.throws(make('seen; DROP TABLE seen', 'at', HOUR), /not a plain identifier/)
    assert.throws(make('seen', 'at"', HOUR), /not a plain identifier/)
    assert.throws(make('seen', 'at', 0), /retainMs must be > 0/)
  })
})

describe('retentionPlugin', () => {
  async function app(rules: { table: string; column: string; retainMs: number }[], intervalMs: number) {
    const server = createServer({ service: 'kit-retention', logLevel: 'silent' })
    await server.register(metricsPlugin, { service: 'kit-retention', registry: new Registry() })
    await server.register(retentionPlugin, { db: executor, rules, intervalMs })
    await server.ready()
    return server
  }

  const metric = async (server: Awaited<ReturnType<typeof app>>, name: string) => {
    const text = (await server.inject({ method: 'GET', url: '/metrics' })).body
    return text.split('\n').filter((line) => line.startsWith(name))
  }

  test('sweeps on its own every interval once ready, counts what it deleted and stops at close', async () => {
    await seed(30, 2)
    const server = await app([rule], 50)
    try {
      for (let i = 0; i < 100 && (await remaining()).length > 2; i++) await sleep(50)
      assert.deepEqual(await remaining(), [100001, 100002])
      assert.deepEqual(await metric(server, 'retention_rows_deleted_total'), [
        'retention_rows_deleted_total{table="seen",service="kit-retention"} 30',
      ])
    } finally {
      await server.close()
    }
    // Closed: rows that age past the retention now stay.
    await seed(0, 0)
    await pool.query(`INSERT INTO seen VALUES (7, now() - interval '5 hours')`)
    await sleep(200)
    assert.deepEqual(await remaining(), [7, 100001, 100002])
  })

  test('a failing rule is counted and logged, and the other rules and later sweeps still run', async () => {
    await seed(4, 0)
    const server = await app([{ table: 'no_such_table', column: 'at', retainMs: HOUR }, rule], 50)
    try {
      for (let i = 0; i < 100 && (await remaining()).length > 0; i++) await sleep(50)
      assert.deepEqual(await remaining(), [])
      for (let i = 0; i < 100; i++) {
        const failures = await metric(server, 'retention_sweep_failures_total')
        if (Number(failures[0]?.split(' ').pop()) >= 2) break
        await sleep(50)
      }
      const [failures] = await metric(server, 'retention_sweep_failures_total')
      assert.match(
        failures ?? '',
        /^retention_sweep_failures_total\{table="no_such_table",service="kit-retention"\} \d+$/,
      )
      assert.ok(Number(failures!.split(' ').pop()) >= 2, failures)
    } finally {
      await server.close()
    }
  })
})
