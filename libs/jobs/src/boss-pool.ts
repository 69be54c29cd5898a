// pg-boss's connection pool, owned by the scheduler so that it ends only after the last query
// pg-boss started on it has settled.
import pg from 'pg'
import type PgBoss from 'pg-boss'

export interface BossPoolOptions {
  connectionString: string
  max: number
  applicationName: string
  onError: (error: Error) => void
}

/**
 * pg-pool's `end()` never answers a query still waiting for a free connection. A stopping
 * pg-boss worker whose poll is such a query then never stops, and pg-boss's loop waiting for
 * that worker keeps the process alive. So `end()` refuses new queries, lets the started ones
 * settle, and only then ends the pool.
 */
export class BossPool implements PgBoss.Db {
  readonly #pool: pg.Pool
  readonly #inFlight = new Set<Promise<unknown>>()
  #ending = false

  constructor(options: BossPoolOptions) {
    this.#pool = new pg.Pool({
      connectionString: options.connectionString,
      max: options.max,
      application_name: options.applicationName,
    })
    this.#pool.on('error', options.onError)
  }

  executeSql(text: string, values?: unknown[]): Promise<pg.QueryResult> {
    if (this.#ending) return Promise.reject(new Error('the job scheduler has stopped'))
    const query = this.#pool.query(text, values)
    this.#inFlight.add(query)
    const forget = () => void this.#inFlight.delete(query)
    query.then(forget, forget)
    return query
  }

  async end(): Promise<void> {
    this.#ending = true
    while (this.#inFlight.size > 0) await Promise.allSettled([...this.#inFlight])
    await this.#pool.end()
  }
}
