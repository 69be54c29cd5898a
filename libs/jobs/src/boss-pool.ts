// pg-boss's connection pool, owned by the scheduler so that stopping it settles every query
// pg-boss asked for: the ones running finish, the ones waiting for a connection are refused.
import pg from 'pg'
import type PgBoss from 'pg-boss'

export interface BossPoolOptions {
  connectionString: string
  max: number
  applicationName: string
  onError: (error: Error) => void
}

export const SCHEDULER_STOPPED = 'JOBS_SCHEDULER_STOPPED'

/** The error of a query asked for once the scheduler is stopping; `code` tells it from real failures. */
export class SchedulerStopped extends Error {
  readonly code = SCHEDULER_STOPPED
  constructor() {
    super('the job scheduler has stopped')
  }
}

interface Waiting {
  run: () => void
  refuse: (error: Error) => void
}

/**
 * pg-pool's `end()` never answers a query still waiting for a free connection. A stopping
 * pg-boss worker whose poll is such a query then never stops, and pg-boss's loop waiting for
 * that worker keeps the process alive. So queries wait here instead, never inside pg-pool, and
 * `end()` refuses the waiting ones (a refused poll claims no job), lets the running ones finish,
 * and only then ends the pool.
 */
export class BossPool implements PgBoss.Db {
  readonly #pool: pg.Pool
  readonly #max: number
  readonly #waiting: Waiting[] = []
  readonly #running = new Set<Promise<unknown>>()
  #ending = false

  constructor(options: BossPoolOptions) {
    this.#max = options.max
    this.#pool = new pg.Pool({
      connectionString: options.connectionString,
      max: options.max,
      application_name: options.applicationName,
    })
    this.#pool.on('error', options.onError)
  }

  executeSql(text: string, values?: unknown[]): Promise<pg.QueryResult> {
    if (this.#ending) return Promise.reject(new SchedulerStopped())
    return new Promise((resolve, reject) => {
      const run = () => {
        // pg-pool releases the connection before it settles the query, so the next one finds it free.
        const query = this.#pool.query(text, values)
        this.#running.add(query)
        query.then(resolve, reject).finally(() => {
          this.#running.delete(query)
          this.#waiting.shift()?.run()
        })
      }
      if (this.#running.size < this.#max) run()
      else this.#waiting.push({ run, refuse: reject })
    })
  }

  async end(): Promise<void> {
    this.#ending = true
    for (const waiting of this.#waiting.splice(0)) waiting.refuse(new SchedulerStopped())
    while (this.#running.size > 0) await Promise.allSettled([...this.#running])
    await this.#pool.end()
  }
}
