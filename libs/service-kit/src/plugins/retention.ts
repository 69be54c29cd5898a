// Keeps tables that only ever grow to a window: rows whose time column is older than their rule's
// retention are deleted oldest first, a chunk per statement, on a timer in every replica. Chunks
// are claimed with FOR UPDATE SKIP LOCKED, so replicas sweeping at once delete disjoint rows and
// never wait on each other or on a writer. A sweep that finds more than a few chunks' worth stops
// and comes back a second later, so a first run on an old table never holds a connection for long.
// The platform uses it for the inbox (a consumed message id is needed only while the message can
// still be redelivered) and for the durable Idempotency-Key answers of order and payment (needed
// only while a client may still retry); the outbox prunes its published rows in its own relay.
import fp from 'fastify-plugin'
import { Counter, type Registry } from 'prom-client'

/** What the sweeper needs of a service's database client (a generated Prisma client has it). */
export interface RawExecutor {
  $executeRawUnsafe(query: string, ...values: unknown[]): Promise<number>
}

export interface RetentionRule {
  /** Table to prune (a plain lower-case identifier). */
  table: string
  /** Its timestamp column, indexed, that ages the row. */
  column: string
  /** How long a row is kept after its timestamp. */
  retainMs: number
}

export interface RetentionOptions {
  db: RawExecutor
  rules: readonly RetentionRule[]
  /** Time between two sweeps. */
  intervalMs: number
  /** Rows per DELETE statement. */
  chunkSize?: number
  /** Chunks per table per sweep before it stops and comes back a second later. */
  maxChunks?: number
  registry?: Registry
  logger?: RetentionLogger
}

export interface RetentionLogger {
  info(obj: object, msg: string): void
  warn(obj: object, msg: string): void
}

/** What one sweep did: rows deleted per table, and whether a table has more past their retention. */
export interface Sweep {
  deleted: Record<string, number>
  more: boolean
}

const IDENTIFIER = /^[a-z_][a-z0-9_]*$/
const BACKLOG_RETRY_MS = 1_000

export class RowRetention {
  readonly #options: Required<Omit<RetentionOptions, 'registry' | 'logger'>>
  readonly #logger: RetentionLogger | undefined
  readonly #deleted: Counter<'table'> | undefined
  readonly #failures: Counter<'table'> | undefined
  #timer: NodeJS.Timeout | undefined
  #running: Promise<unknown> | undefined
  #stopped = false

  constructor({ registry, logger, ...options }: RetentionOptions) {
    for (const rule of options.rules) {
      if (!IDENTIFIER.test(rule.table) || !IDENTIFIER.test(rule.column))
        throw new Error(`retention rule ${rule.table}.${rule.column}: not a plain identifier`)
      if (!(rule.retainMs > 0)) throw new Error(`retention rule ${rule.table}: retainMs must be > 0`)
    }
    this.#options = { chunkSize: 1_000, maxChunks: 10, ...options }
    this.#logger = logger
    if (registry) {
      this.#deleted = counter(registry, 'retention_rows_deleted_total', 'Rows deleted past their retention')
      this.#failures = counter(registry, 'retention_sweep_failures_total', 'Sweeps of a table that failed')
    }
  }

  /**
   * Deletes, per rule, the rows past their retention, at most `maxChunks` chunks each (all of
   * them with `Infinity`). Returns the rows deleted per table and whether any table has more.
   */
  sweep(maxChunks = this.#options.maxChunks): Promise<Sweep> {
    return this.#sweep(maxChunks, (error) => {
      throw error
    })
  }

  /** Sweeps every `intervalMs` (sooner while a backlog lasts), first one interval from now. */
  start(): void {
    this.#stopped = false
    this.#schedule(this.#options.intervalMs)
  }

  /** Stops the timer and waits for a sweep in progress to end. */
  async stop(): Promise<void> {
    this.#stopped = true
    clearTimeout(this.#timer)
    await this.#running
  }

  async #prune(rule: RetentionRule, maxChunks: number): Promise<number> {
    const { table, column } = rule
    // ctid: the rule needs no knowledge of the table's key; the rows stay locked until deleted.
    const statement = `DELETE FROM ${table} WHERE ctid = ANY(ARRAY(
        SELECT ctid FROM ${table}
        WHERE ${column} < now() - make_interval(secs => $1::float8 / 1000)
        ORDER BY ${column} LIMIT $2 FOR UPDATE SKIP LOCKED))`
    let total = 0
    for (let chunk = 0; chunk < maxChunks && !this.#stopped; chunk++) {
      const count = await this.#options.db.$executeRawUnsafe(
        statement,
        rule.retainMs,
        this.#options.chunkSize,
      )
      total += count
      this.#deleted?.inc({ table }, count)
      if (count < this.#options.chunkSize) break
    }
    return total
  }

  #schedule(delayMs: number): void {
    if (this.#stopped) return
    this.#timer = setTimeout(() => {
      this.#running = this.#sweepLogged().then((more) =>
        this.#schedule(more ? BACKLOG_RETRY_MS : this.#options.intervalMs),
      )
    }, delayMs)
    this.#timer.unref()
  }

  /** Each rule in turn; a rule that fails is handed to `onFailure` and the next one still runs. */
  async #sweep(maxChunks: number, onFailure: (error: unknown, rule: RetentionRule) => void): Promise<Sweep> {
    const deleted: Record<string, number> = {}
    let more = false
    for (const rule of this.#options.rules) {
      try {
        deleted[rule.table] = await this.#prune(rule, maxChunks)
        if (deleted[rule.table]! >= maxChunks * this.#options.chunkSize) more = true
      } catch (error) {
        onFailure(error, rule)
      }
    }
    return { deleted, more }
  }

  async #sweepLogged(): Promise<boolean> {
    const { deleted, more } = await this.#sweep(this.#options.maxChunks, (err, { table }) => {
      this.#failures?.inc({ table })
      this.#logger?.warn({ err, table }, 'retention sweep failed; it will be tried again')
    })
    for (const [table, count] of Object.entries(deleted))
      if (count > 0) this.#logger?.info({ table, deleted: count }, 'rows past their retention deleted')
    return more
  }
}

function counter(registry: Registry, name: string, help: string): Counter<'table'> {
  const existing = registry.getSingleMetric(name)
  if (existing) return existing as Counter<'table'>
  return new Counter({ name, help, labelNames: ['table'] as const, registers: [registry] })
}

declare module 'fastify' {
  interface FastifyInstance {
    /** The service's retention sweeper (`sweep()` runs one now, for tests and operators). */
    retention: RowRetention
  }
}

export type RetentionPluginOptions = Omit<RetentionOptions, 'registry' | 'logger'>

/** Runs a `RowRetention` from ready to close, with the service's metrics and logger. */
export const retentionPlugin = fp<RetentionPluginOptions>(
  async (app, options) => {
    const retention = new RowRetention({
      ...options,
      registry: app.metrics,
      logger: app.log.child({ component: 'retention' }),
    })
    app.decorate('retention', retention)
    app.addHook('onReady', async () => retention.start())
    app.addHook('onClose', async () => retention.stop())
  },
  { name: 'retention', fastify: '5.x', dependencies: ['metrics'] },
)
