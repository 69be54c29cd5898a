// Durable scheduled work on pg-boss: jobs live in the service's own PostgreSQL database (schema
// `pgboss`), so they survive a restart of any process, and each is claimed by one replica only
// (SKIP LOCKED). `precise` jobs become fetchable a little early and the handler waits for the
// due millisecond, so a deal opens on its second, not on the next poll.
import { createHash } from 'node:crypto'
import PgBoss from 'pg-boss'
import type { Registry } from 'prom-client'
import { BossPool, SCHEDULER_STOPPED } from './boss-pool.ts'
import { jobMetrics, type JobMetrics } from './metrics.ts'

export interface JobsLogger {
  info(obj: object, msg: string): void
  warn(obj: object, msg: string): void
  error(obj: object, msg: string): void
}

const ignore = (): void => {}
const silentLogger: JobsLogger = { info: ignore, warn: ignore, error: ignore }

/** Runs SQL inside the caller's transaction, so a job is scheduled only if the change commits. */
export interface JobTransaction {
  $queryRawUnsafe<T = unknown>(query: string, ...values: unknown[]): PromiseLike<T>
}

export interface JobContext {
  id: string
  /** When the job was due (its `runAt`, or when it was sent). */
  dueAt: Date
  /** 0 on the first attempt. */
  retryCount: number
}

export type JobHandler<T> = (data: T, context: JobContext) => Promise<void>

export interface JobDefinitionOptions {
  /** Fetch early by `leadMs` and wait for the due time inside the handler (default false). */
  precise?: boolean
  /** Attempts after the first one fails (default 5), with exponential backoff from `retryDelaySeconds`. */
  retryLimit?: number
  retryDelaySeconds?: number
  /** An active job older than this is presumed lost with its process and retried (default 60). */
  expireInSeconds?: number
  /** Jobs of this name handled at the same time by one process (default 4). */
  concurrency?: number
}

export interface JobSchedulerOptions {
  databaseUrl: string
  /** PostgreSQL schema pg-boss keeps its tables in (default `pgboss`). */
  schema?: string
  logger?: JobsLogger
  registry?: Registry
  /** How often idle workers look for due jobs (pg-boss allows 0.5 s at least; default 0.5). */
  pollingIntervalSeconds?: number
  /** How early a `precise` job is fetched before it is due (default 2000 ms). */
  leadMs?: number
  /** How often expired active jobs (their process died) are sent back for retry (default 30 s). */
  maintenanceIntervalSeconds?: number
  /** How long `stop()` waits for running handlers before handing their jobs back (default 10 s). */
  stopTimeoutMs?: number
  /** Set false in processes that only schedule and never run jobs (default true). */
  work?: boolean
}

export interface ScheduleOptions {
  /** The caller's transaction: the job exists only if that transaction commits. */
  tx?: JobTransaction
  /**
   * At most one job per name and key is ever created (until pg-boss archives it): a second
   * schedule with the same key is dropped and returns null. Put a version in the key to reschedule.
   */
  key?: string
}

interface Envelope<T> {
  runAt: number
  data: T
}

interface Definition {
  name: string
  handler: JobHandler<unknown>
  options: Required<JobDefinitionOptions>
}

const DEFAULTS: Required<JobDefinitionOptions> = {
  precise: false,
  retryLimit: 5,
  retryDelaySeconds: 1,
  expireInSeconds: 60,
  concurrency: 4,
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

export class JobScheduler {
  readonly #boss: PgBoss
  readonly #pool: BossPool
  readonly #logger: JobsLogger
  readonly #metrics: JobMetrics
  readonly #definitions = new Map<string, Definition>()
  readonly #leadMs: number
  readonly #pollingIntervalSeconds: number
  readonly #stopTimeoutMs: number
  readonly #work: boolean
  #started = false
  #startup: Promise<void> | undefined
  #shutdown: Promise<void> | undefined

  constructor(options: JobSchedulerOptions) {
    this.#logger = options.logger ?? silentLogger
    this.#leadMs = options.leadMs ?? 2000
    this.#pollingIntervalSeconds = options.pollingIntervalSeconds ?? 0.5
    this.#stopTimeoutMs = options.stopTimeoutMs ?? 10_000
    this.#work = options.work ?? true
    this.#metrics = jobMetrics(options.registry)
    this.#pool = new BossPool({
      connectionString: options.databaseUrl,
      max: 4,
      applicationName: 'jobs',
      onError: (error) => this.#logger.error({ err: error }, 'job scheduler connection error'),
    })
    this.#boss = new PgBoss({
      db: this.#pool,
      schema: options.schema ?? 'pgboss',
      maintenanceIntervalSeconds: options.maintenanceIntervalSeconds ?? 30,
      monitorStateIntervalSeconds: 60,
    })
    this.#boss.on('error', (error) => {
      // A worker's poll refused because the scheduler is stopping is how its worker ends.
      if ((error as { code?: string }).code === SCHEDULER_STOPPED) return
      this.#logger.error({ err: error }, 'job scheduler error')
    })
  }

  /** Declares a job name and its handler; call before `start()`. */
  define<T>(name: string, handler: JobHandler<T>, options: JobDefinitionOptions = {}): this {
    if (this.#startup) throw new Error(`job "${name}" defined after the scheduler started`)
    if (this.#definitions.has(name)) throw new Error(`job "${name}" is defined twice`)
    this.#definitions.set(name, {
      name,
      handler: handler as JobHandler<unknown>,
      options: { ...DEFAULTS, ...options },
    })
    return this
  }

  get started(): boolean {
    return this.#started
  }

  /**
   * Installs the queues and starts the workers. A `stop()` that comes first, or while this runs,
   * wins: nothing more is started and the scheduler stays stopped.
   */
  start(): Promise<void> {
    if (this.#shutdown) return Promise.resolve()
    this.#startup ??= this.#start()
    return this.#startup
  }

  async #start(): Promise<void> {
    // pg-boss installs its schema under an advisory lock. Its start is not retried: a second call
    // on the same instance returns at once without starting, which would leave a scheduler whose
    // cron and maintenance never run and whose stop does nothing; failing the start is better.
    await this.#boss.start()
    // Replicas starting together race to create the same queues: a clash there is retried, since
    // both sides only create what is missing.
    for (const definition of this.#definitions.values()) {
      if (this.#shutdown) return
      const { retryLimit, retryDelaySeconds, expireInSeconds } = definition.options
      await retryOnDeadlock(async () => {
        if (await this.#boss.getQueue(definition.name)) return
        await this.#boss.createQueue(definition.name, {
          name: definition.name,
          retryLimit,
          retryDelay: retryDelaySeconds,
          retryBackoff: true,
          expireInSeconds,
        })
      })
    }
    if (this.#shutdown) return
    this.#started = true
    if (!this.#work) return
    for (const definition of this.#definitions.values()) {
      for (let i = 0; i < definition.options.concurrency; i++) {
        if (this.#shutdown) return
        const worker: { id?: string } = {}
        worker.id = await this.#boss.work<Envelope<unknown>>(
          definition.name,
          { batchSize: 1, pollingIntervalSeconds: this.#pollingIntervalSeconds, includeMetadata: true },
          async ([job]) => {
            if (!job) return
            await this.#run(definition, job)
            // pg-boss waits out the polling interval after every fetch, even one that found a job:
            // a worker with work looks again at once, so a backlog drains at the handlers' pace
            // instead of one job per worker per interval.
            if (worker.id) this.#boss.notifyWorker(worker.id)
          },
        )
      }
    }
  }

  async #run(definition: Definition, job: PgBoss.JobWithMetadata<Envelope<unknown>>): Promise<void> {
    const { runAt, data } = job.data
    const wait = runAt - Date.now()
    if (wait > 0) await sleep(wait)
    const startedAt = Date.now()
    const labels = { job_name: definition.name }
    this.#metrics.lag.observe(labels, Math.max(0, startedAt - runAt) / 1000)
    try {
      await definition.handler(data, { id: job.id, dueAt: new Date(runAt), retryCount: job.retryCount })
      this.#metrics.runs.inc({ ...labels, outcome: 'completed' })
    } catch (error) {
      this.#metrics.runs.inc({ ...labels, outcome: 'failed' })
      this.#logger.warn(
        { err: error, job: definition.name, jobId: job.id, retryCount: job.retryCount },
        'job failed; pg-boss retries it with backoff',
      )
      throw error
    } finally {
      this.#metrics.duration.observe(labels, (Date.now() - startedAt) / 1000)
    }
  }

  /** Schedules `name` to run at `at` (now when in the past). Returns the job id, or null when `key` is taken. */
  async scheduleAt<T>(
    name: string,
    data: T,
    at: Date,
    options: ScheduleOptions = {},
  ): Promise<string | null> {
    const definition = this.#definitions.get(name)
    if (!definition) throw new Error(`job "${name}" is not defined`)
    const runAt = at.getTime()
    const fetchAt = definition.options.precise ? runAt - this.#leadMs : runAt
    const envelope: Envelope<T> = { runAt, data }
    return this.#boss.send(name, envelope as object, {
      startAfter: new Date(Math.max(fetchAt, 0)),
      ...(options.key ? { id: keyedJobId(name, options.key) } : {}),
      ...(options.tx ? { db: transactionDb(options.tx) } : {}),
    })
  }

  /** Schedules `name` to run as soon as a worker is free. */
  runSoon<T>(name: string, data: T, options: ScheduleOptions = {}): Promise<string | null> {
    return this.scheduleAt(name, data, new Date(), options)
  }

  /** Runs `name` on a cron schedule (`0 4 * * *`), once across replicas; `data` is passed each time. */
  async every<T extends object>(name: string, cron: string, data: T, timeZone = 'UTC'): Promise<void> {
    if (!this.#definitions.has(name)) throw new Error(`job "${name}" is not defined`)
    // pg-boss sends `data` as is; wrap it so the handler sees the same envelope as other jobs.
    await this.#boss.schedule(name, cron, { runAt: 0, data } satisfies Envelope<T>, { tz: timeZone })
  }

  /** Drops a pending job; a job already running finishes. */
  async cancel(name: string, id: string): Promise<void> {
    await this.#boss.cancel(name, id)
  }

  /** Jobs of `name` waiting or retrying, for readiness checks, tests and metrics. */
  async pending(name: string): Promise<number> {
    return this.#boss.getQueueSize(name, { before: 'active' })
  }

  /**
   * Stops fetching, waits for running handlers, hands back the ones that did not finish, and
   * closes the connections. Final: a stopped scheduler does not start again.
   */
  stop(): Promise<void> {
    this.#shutdown ??= this.#stop()
    return this.#shutdown
  }

  async #stop(): Promise<void> {
    this.#started = false
    // pg-boss ignores a stop that comes before its start has finished, and would then start
    // anyway: let the startup reach its next step (it stops there), then stop what it started.
    await this.#startup?.catch(() => {})
    if (this.#startup) {
      await this.#boss.stop({ graceful: true, wait: true, timeout: this.#stopTimeoutMs })
    }
    await this.#pool.end()
  }
}

/** pg-boss's `Db` over a Prisma transaction: pg-boss's numbered parameters pass through as is. */
function transactionDb(tx: JobTransaction): PgBoss.Db {
  return {
    async executeSql(text: string, values: unknown[] = []) {
      const rows = await tx.$queryRawUnsafe<unknown[]>(text, ...values)
      return { rows: rows as unknown[] as never[] }
    },
  }
}

/** A stable job id for (name, key), so PostgreSQL's primary key refuses the second one. */
function keyedJobId(name: string, key: string): string {
  const hex = createHash('sha256').update(`${name}\u0000${key}`).digest('hex')
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`
}

async function retryOnDeadlock(step: () => Promise<unknown>, attempts = 5): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await step()
      return
    } catch (error) {
      const code = (error as { code?: string }).code
      const retryable = code === '40P01' || code === '23505' || code === '42P07'
      if (!retryable || attempt >= attempts) throw error
      await sleep(50 * attempt + Math.random() * 100)
    }
  }
}
