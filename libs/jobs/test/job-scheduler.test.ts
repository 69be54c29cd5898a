import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import pg from 'pg'
import { Registry } from 'prom-client'
import { createTestDatabase, type TestDatabase } from '@deals/testing'
import { JobScheduler, type JobTransaction } from '../src/index.ts'

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

async function until(check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time')
    await sleep(20)
  }
}

describe('job scheduler', () => {
  let database: TestDatabase
  const schedulers: JobScheduler[] = []

  const scheduler = (name: string, handler: (data: { n: number }) => Promise<void>, precise = true) => {
    const s = new JobScheduler({ databaseUrl: database.url, leadMs: 1500, stopTimeoutMs: 1000 }).define(
      name,
      handler,
      { precise, retryDelaySeconds: 1 },
    )
    schedulers.push(s)
    return s
  }

  before(async () => {
    database = await createTestDatabase({ prefix: 'jobs' })
  })
  after(async () => {
    await Promise.all(schedulers.map((s) => s.stop()))
    await database.drop()
  })

  test('a precise job runs at its due millisecond, not at the next poll', async () => {
    const ranAt: number[] = []
    const s = scheduler('precise', async () => void ranAt.push(Date.now()))
    await s.start()
    const due = Date.now() + 2500
    await s.scheduleAt('precise', { n: 1 }, new Date(due))
    await until(() => ranAt.length === 1)
    const late = ranAt[0]! - due
    assert.ok(late >= 0, `ran ${-late} ms early`)
    assert.ok(late < 250, `ran ${late} ms late`)
  })

  test('a job scheduled before a restart runs after it, in the next process', async () => {
    const ran: number[] = []
    const first = scheduler('restart', async () => void ran.push(1))
    await first.start()
    await first.scheduleAt('restart', { n: 1 }, new Date(Date.now() + 3000))
    await first.stop()

    const second = scheduler('restart', async (data) => void ran.push(data.n))
    await second.start()
    await until(() => ran.length === 1)
    assert.deepEqual(ran, [1])
  })

  test('with two replicas working the same queue, every job runs exactly once', async () => {
    const runs = new Map<number, number>()
    const count = async (data: { n: number }) => void runs.set(data.n, (runs.get(data.n) ?? 0) + 1)
    const a = scheduler('replicas', count, false)
    const b = scheduler('replicas', count, false)
    await Promise.all([a.start(), b.start()])
    const at = new Date(Date.now() + 1000)
    await Promise.all(Array.from({ length: 40 }, (_, n) => (n % 2 ? a : b).scheduleAt('replicas', { n }, at)))
    await until(() => runs.size === 40)
    await sleep(1000)
    assert.deepEqual(
      [...runs.values()].filter((times) => times !== 1),
      [],
    )
  })

  test('a job sent inside a transaction exists only if the transaction commits', async () => {
    const ran: number[] = []
    const s = scheduler('transactional', async (data) => void ran.push(data.n), false)
    await s.start()
    const client = new pg.Client({ connectionString: database.url })
    await client.connect()
    const tx: JobTransaction = {
      $queryRawUnsafe: async (text: string, ...values: unknown[]) =>
        (await client.query(text, values)).rows as never,
    }
    try {
      await client.query('BEGIN')
      await s.runSoon('transactional', { n: 1 }, { tx })
      await client.query('ROLLBACK')
      await client.query('BEGIN')
      await s.runSoon('transactional', { n: 2 }, { tx })
      await client.query('COMMIT')
    } finally {
      await client.end()
    }
    await until(() => ran.length >= 1)
    await sleep(1000)
    assert.deepEqual(ran, [2])
  })

  test('a failing job is retried until it succeeds', async () => {
    let attempts = 0
    const s = scheduler(
      'flaky',
      async () => {
        attempts += 1
        if (attempts < 3) throw new Error('not yet')
      },
      false,
    )
    await s.start()
    await s.runSoon('flaky', { n: 1 })
    await until(() => attempts === 3, 20_000)
    await sleep(500)
    assert.equal(attempts, 3)
  })

  test('the metrics name the job with job_name, leaving job to the scrape target', async () => {
    const registry = new Registry()
    const s = new JobScheduler({ databaseUrl: database.url, registry, stopTimeoutMs: 1000 }).define(
      'measured',
      async () => {},
    )
    schedulers.push(s)
    await s.start()
    await s.runSoon('measured', {})
    let exposition = ''
    const deadline = Date.now() + 10_000
    while (!exposition.includes('outcome="completed"') && Date.now() < deadline) {
      await sleep(50)
      exposition = await registry.metrics()
    }
    for (const name of ['jobs_start_lag_seconds_count', 'jobs_duration_seconds_count', 'jobs_runs_total']) {
      assert.match(exposition, new RegExp(`^${name}\\{[^}]*job_name="measured"`, 'm'), name)
    }
    assert.doesNotMatch(exposition, /[{,]job="/)
  })

  test('a worker that finds a job looks for the next at once: a backlog does not wait a polling interval per job', async () => {
    const ran: number[] = []
    const define = (work: boolean) => {
      const s = new JobScheduler({
        databaseUrl: database.url,
        pollingIntervalSeconds: 20,
        stopTimeoutMs: 1000,
        work,
      })
      s.define('backlog', async (data: { n: number }) => void ran.push(data.n), { concurrency: 1 })
      schedulers.push(s)
      return s
    }
    const sender = define(false)
    await sender.start()
    for (let n = 1; n <= 5; n++) await sender.runSoon('backlog', { n })
    // One worker polling every 20 s takes the first job at its first poll; without looking again
    // at once it would need another 80 s for the other four.
    await define(true).start()
    await until(() => ran.length === 5, 15_000)
    assert.deepEqual([...ran].sort(), [1, 2, 3, 4, 5])
  })

  test('a second job with the same key is dropped', async () => {
    const ran: number[] = []
    const s = scheduler('keyed', async (data) => void ran.push(data.n), false)
    await s.start()
    const later = new Date(Date.now() + 1000)
    const first = await s.scheduleAt('keyed', { n: 1 }, later, { key: 'deal-1' })
    const second = await s.scheduleAt('keyed', { n: 2 }, later, { key: 'deal-1' })
    assert.ok(first)
    assert.equal(second, null)
    await until(() => ran.length === 1)
    assert.deepEqual(ran, [1])
  })
})
