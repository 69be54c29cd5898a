// Publishes committed outbox rows to the event exchange with publisher confirms.
//
// It talks to PostgreSQL through `pg`, not through Prisma: waking on NOTIFY needs a session that
// stays LISTENing, which a Prisma client (a pool behind a query engine) cannot hold, and the
// claim-publish-mark cycle needs one transaction held open across the broker round trip.
// A batch is claimed with FOR UPDATE SKIP LOCKED and the rows stay locked until they are marked
// published, so concurrent relays never publish the same rows; a relay that dies between the
// confirm and the mark leaves them unpublished and another relay publishes them again
// (at-least-once: consumers deduplicate by message id through the inbox).
// Published rows are kept for `retainPublishedMs` (3 days: enough to look at what went out and
// when), then deleted by the relay itself in chunks every `pruneIntervalMs`, so the table holds
// days of events rather than every event ever written.
import { once } from 'node:events'
import type { ConfirmChannel, ChannelModel } from 'amqplib'
import { SpanKind, context, propagation, trace, type Span } from '@opentelemetry/api'
import type pg from 'pg'
import type { Registry } from 'prom-client'
import type { EventEnvelope } from '@deals/contracts'
import type { AmqpConnection } from './connection.ts'
import { silentLogger, type MessagingLogger } from './logger.ts'
import {
  outboxFailureCounter,
  outboxLagGauge,
  outboxPrunedCounter,
  outboxPublishedCounter,
} from './metrics.ts'
import { OUTBOX_CHANNEL } from './outbox.ts'
import { assertEventExchange, DEFAULT_EXCHANGE } from './topology.ts'
import { extractTraceContext } from './trace-context.ts'

const tracer = trace.getTracer('@deals/messaging')

const DEFAULT_BROKER_TIMEOUT_MS = 30_000
const DEFAULT_RETAIN_PUBLISHED_MS = 3 * 24 * 3600_000
const DEFAULT_PRUNE_INTERVAL_MS = 10 * 60_000
/** Rows deleted per statement when pruning, so no statement holds many locks for long. */
const PRUNE_CHUNK = 5_000

// Ordered as the (published_at, created_at) index is, so the oldest unpublished rows are read off
// its NULL end whatever the planner believes: ordered by created_at alone, a table whose
// statistics predate most rows' publishing (every busy one, between autoanalyze runs) was read
// whole and sorted on every batch (3 ms per batch under a flash sale, 0.1 ms this way).
export const UNPUBLISHED_BATCH = `SELECT id, event_name, payload, headers, created_at FROM outbox_messages
  WHERE published_at IS NULL ORDER BY published_at, created_at LIMIT $1 FOR UPDATE SKIP LOCKED`

export interface OutboxRelayOptions {
  connection: AmqpConnection
  /** The service's database; the relay holds one client for LISTEN and one per batch. */
  pool: pg.Pool
  /** Service name, written into each envelope's `producer` and the message's appId. */
  producer: string
  exchange?: string
  batchSize?: number
  /** Upper bound on the wait between batches when no NOTIFY arrives (missed or another replica's). */
  pollIntervalMs?: number
  /**
   * Longest wait for the broker (a full channel's drain, a batch's confirms); past it the batch
   * fails, its channel is dropped and the batch is published again on a new one.
   */
  brokerTimeoutMs?: number
  /** How long a published row is kept before the relay deletes it (default 3 days). */
  retainPublishedMs?: number
  /** How often the relay deletes the published rows past `retainPublishedMs` (default 10 min). */
  pruneIntervalMs?: number
  registry?: Registry
  logger?: MessagingLogger
}

interface OutboxRow {
  id: string
  event_name: string
  payload: unknown
  headers: Record<string, unknown>
  created_at: Date
}

export class OutboxRelay {
  private readonly exchange: string
  private readonly batchSize: number
  private readonly pollIntervalMs: number
  private readonly brokerTimeoutMs: number
  private readonly retainPublishedMs: number
  private readonly pruneIntervalMs: number
  private nextPruneAt = 0
  private readonly pruned
  private readonly logger: MessagingLogger
  private readonly published
  private readonly failures
  private running: Promise<void> | undefined
  private stopping = false
  private aborted = new AbortController()
  /** Ends the current sleep: `stop()`, and a NOTIFY when the sleep waits for one. */
  private wake: (() => void) | undefined
  private waitingForNotify = false
  /** A NOTIFY came while no sleep was waiting for one (a batch in flight, a backoff). */
  private notified = false
  private listener: pg.PoolClient | undefined
  private channel: { model: ChannelModel; channel: ConfirmChannel } | undefined

  constructor(private readonly options: OutboxRelayOptions) {
    this.exchange = options.exchange ?? DEFAULT_EXCHANGE
    this.batchSize = options.batchSize ?? 100
    this.pollIntervalMs = options.pollIntervalMs ?? 1_000
    this.brokerTimeoutMs = options.brokerTimeoutMs ?? DEFAULT_BROKER_TIMEOUT_MS
    this.retainPublishedMs = options.retainPublishedMs ?? DEFAULT_RETAIN_PUBLISHED_MS
    this.pruneIntervalMs = options.pruneIntervalMs ?? DEFAULT_PRUNE_INTERVAL_MS
    this.logger = options.logger ?? silentLogger
    this.published = outboxPublishedCounter(options.registry)
    this.failures = outboxFailureCounter(options.registry)
    this.pruned = outboxPrunedCounter(options.registry)
    outboxLagGauge(options.registry, () => this.lagSeconds())
    // An idle client of the pool losing its connection (PostgreSQL restarted, the database
    // dropped) is an 'error' on the pool: without a listener it would end the process.
    options.pool.on('error', (err) => this.logger.warn({ err }, 'outbox pool lost an idle connection'))
  }

  start(): void {
    if (this.running) return
    this.stopping = false
    this.aborted = new AbortController()
    this.running = this.loop()
  }

  /** Lets the batch in flight finish (published and marked), then releases every resource. */
  async stop(): Promise<void> {
    this.stopping = true
    this.aborted.abort()
    this.wake?.()
    await this.running
    this.running = undefined
    await this.unlisten()
    const open = this.channel
    this.channel = undefined
    await open?.channel.close().catch(() => {})
  }

  /** Publishes one batch; returns how many rows were published. Exposed for tests and tooling. */
  async publishBatch(): Promise<number> {
    const channel = await this.confirmChannel()
    const client = await this.options.pool.connect()
    let rows: OutboxRow[] = []
    const spans: Span[] = []
    try {
      await client.query('BEGIN')
      rows = (await client.query<OutboxRow>(UNPUBLISHED_BATCH, [this.batchSize])).rows
      for (const row of rows) {
        const { span, headers } = this.publishSpan(row)
        spans.push(span)
        // Published inside the span's context, so an AMQP instrumentation's own publish span (and
        // the trace context it writes into the headers) continues this trace too.
        const sent = context.with(trace.setSpan(context.active(), span), () =>
          channel.publish(this.exchange, row.event_name, this.body(row), this.properties(row, headers)),
        )
        if (!sent) await drained(channel, this.brokerTimeoutMs)
      }
      if (rows.length) {
        await confirmed(channel, this.brokerTimeoutMs)
        for (const span of spans.splice(0)) span.end()
        await client.query(
          'UPDATE outbox_messages SET published_at = now(), attempts = attempts + 1 WHERE id = ANY($1::uuid[])',
          [rows.map((r) => r.id)],
        )
      }
      await client.query('COMMIT')
      client.release()
    } catch (err) {
      // A channel the broker stopped answering on is not used again; a new one is opened.
      this.dropChannel(channel)
      for (const span of spans) span.recordException(err as Error)
      for (const span of spans) span.end()
      await client.query('ROLLBACK').then(
        () => client.release(),
        (rollbackError: unknown) => client.release(rollbackError instanceof Error ? rollbackError : true),
      )
      await this.countFailedAttempt(rows.map((r) => r.id))
      throw err
    }
    this.published.inc(rows.length)
    return rows.length
  }

  /**
   * Deletes the rows published more than `retainPublishedMs` ago, oldest first, a chunk per
   * statement, at most `maxChunks` of them; returns how many rows. Exposed for tests and tooling;
   * the relay runs it on its own.
   */
  async prunePublished(maxChunks = Number.POSITIVE_INFINITY): Promise<number> {
    let deleted = 0
    for (let chunk = 0; chunk < maxChunks && !this.stopping; chunk++) {
      const { rowCount } = await this.options.pool.query(
        `DELETE FROM outbox_messages WHERE id IN (
           SELECT id FROM outbox_messages
           WHERE published_at < now() - make_interval(secs => $1::float8 / 1000)
           ORDER BY published_at LIMIT $2 FOR UPDATE SKIP LOCKED)`,
        [this.retainPublishedMs, PRUNE_CHUNK],
      )
      deleted += rowCount ?? 0
      this.pruned.inc(rowCount ?? 0)
      if ((rowCount ?? 0) < PRUNE_CHUNK) break
    }
    return deleted
  }

  /**
   * Prunes when due, a few chunks between two batches so publishing waits at most that long; a
   * backlog (a first run on an old table) is worked off a second later, and so on. A failure is
   * logged and tried again at the next interval.
   */
  private async pruneWhenDue(): Promise<void> {
    if (Date.now() < this.nextPruneAt) return
    const maxChunks = 4
    let deleted = 0
    try {
      deleted = await this.prunePublished(maxChunks)
      if (deleted) this.logger.info({ deleted }, 'outbox rows past their retention deleted')
    } catch (err) {
      this.logger.warn({ err }, 'outbox pruning failed; it will be tried again')
    }
    const more = deleted === maxChunks * PRUNE_CHUNK
    this.nextPruneAt = Date.now() + (more ? 1_000 : this.pruneIntervalMs)
  }

  private async loop(): Promise<void> {
    await this.listen()
    // The first pruning one interval after start: a restart loop does not prune each time.
    this.nextPruneAt = Date.now() + this.pruneIntervalMs
    let failures = 0
    while (!this.stopping) {
      await this.pruneWhenDue()
      let published = 0
      try {
        published = await this.publishBatch()
        failures = 0
      } catch (err) {
        if (this.stopping) break
        failures++
        this.failures.inc()
        this.logger.warn({ err, failures }, 'outbox batch failed; it will be retried')
      }
      if (this.stopping) break
      if (published === this.batchSize) continue
      if (!this.listener) await this.listen()
      const backoff = failures
        ? Math.min(this.pollIntervalMs * 2 ** (failures - 1), 30_000)
        : this.pollIntervalMs
      await this.sleep(backoff, failures === 0)
    }
  }

  /**
   * Until `ms` pass or the relay stops, or, `untilNotified`, a NOTIFY comes. A NOTIFY that came
   * while no sleep waited for one ends the next such sleep at once: its rows may have committed
   * after the batch in flight read the table, and with no later commit to notify again (the last
   * order of a sell-out, whose `stock.sold-out.v1` the gateway waits for) they would wait for the
   * poll. A backoff after a failure is not cut short by one.
   */
  private sleep(ms: number, untilNotified: boolean): Promise<void> {
    if (this.stopping) return Promise.resolve()
    if (untilNotified && this.notified) {
      this.notified = false
      return Promise.resolve()
    }
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer)
        if (this.wake === done) this.wake = undefined
        this.waitingForNotify = false
        if (untilNotified) this.notified = false
        resolve()
      }
      const timer = setTimeout(done, ms)
      this.wake = done
      this.waitingForNotify = untilNotified
    })
  }

  /** Best effort: without LISTEN the relay still polls, so a failure here only costs latency. */
  private async listen(): Promise<void> {
    try {
      const client = await this.options.pool.connect()
      client.on('notification', () => {
        if (this.wake && this.waitingForNotify) this.wake()
        else this.notified = true
      })
      client.on('error', (err: Error) => {
        this.logger.warn({ err }, 'outbox LISTEN connection failed; polling until it is back')
        if (this.listener === client) this.listener = undefined
        client.release(err)
      })
      await client.query(`LISTEN ${OUTBOX_CHANNEL}`)
      this.listener = client
    } catch (err) {
      this.logger.warn({ err }, 'outbox LISTEN failed; polling')
    }
  }

  private async unlisten(): Promise<void> {
    const client = this.listener
    this.listener = undefined
    if (!client) return
    await client.query(`UNLISTEN ${OUTBOX_CHANNEL}`).then(
      () => client.release(),
      (err: unknown) => client.release(err instanceof Error ? err : true),
    )
  }

  /** A confirm channel on the live connection, re-opened after the channel or the connection closed. */
  private async confirmChannel(): Promise<ConfirmChannel> {
    const model = await this.options.connection.ready(this.aborted.signal)
    if (this.channel?.model === model) return this.channel.channel
    const channel = await model.createConfirmChannel()
    channel.on('error', (err: unknown) => this.logger.warn({ err }, 'outbox publish channel error'))
    channel.on('close', () => {
      if (this.channel?.channel === channel) this.channel = undefined
    })
    await assertEventExchange(channel, this.exchange)
    this.channel = { model, channel }
    return channel
  }

  private dropChannel(channel: ConfirmChannel): void {
    if (this.channel?.channel !== channel) return
    this.channel = undefined
    // Not awaited: a broker that stopped answering would never acknowledge the close either.
    channel.close().catch(() => {})
  }

  private body(row: OutboxRow): Buffer {
    const envelope: EventEnvelope = {
      id: row.id,
      name: row.event_name,
      occurredAt: row.created_at.toISOString(),
      producer: this.options.producer,
      payload: row.payload,
    }
    return Buffer.from(JSON.stringify(envelope))
  }

  /**
   * The publish continues the trace of the transaction that wrote the row (its context rode in the
   * row's headers), not the relay's own: one trace follows a request through the broker.
   */
  private publishSpan(row: OutboxRow): { span: Span; headers: Record<string, unknown> } {
    const parent = extractTraceContext(row.headers)
    const span = tracer.startSpan(
      `${row.event_name} publish`,
      {
        kind: SpanKind.PRODUCER,
        attributes: {
          'messaging.system': 'rabbitmq',
          'messaging.operation.type': 'publish',
          'messaging.destination.name': this.exchange,
          'messaging.rabbitmq.destination.routing_key': row.event_name,
          'messaging.message.id': row.id,
        },
      },
      parent,
    )
    const carrier: Record<string, string> = {}
    propagation.inject(trace.setSpan(parent, span), carrier)
    return { span, headers: { ...row.headers, ...carrier } }
  }

  private properties(row: OutboxRow, headers: Record<string, unknown> = row.headers) {
    return {
      persistent: true,
      messageId: row.id,
      type: row.event_name,
      appId: this.options.producer,
      contentType: 'application/json',
      timestamp: Math.floor(row.created_at.getTime() / 1000),
      headers,
    }
  }

  private async countFailedAttempt(ids: string[]): Promise<void> {
    if (!ids.length) return
    await this.options.pool
      .query(
        'UPDATE outbox_messages SET attempts = attempts + 1 WHERE id = ANY($1::uuid[]) AND published_at IS NULL',
        [ids],
      )
      .catch((err: unknown) => this.logger.warn({ err }, 'could not count a failed outbox attempt'))
  }

  private async lagSeconds(): Promise<number> {
    const { rows } = await this.options.pool.query<{ lag: number | null }>(
      `SELECT EXTRACT(EPOCH FROM now() - created_at)::float8 AS lag FROM outbox_messages
       WHERE published_at IS NULL ORDER BY published_at, created_at LIMIT 1`,
    )
    return Math.max(0, rows[0]?.lag ?? 0)
  }
}

/**
 * Waits for `pending`, an answer from the broker on `channel`, for at most `timeoutMs`; rejects
 * if the channel closes first. Neither a full channel's 'drain' nor amqplib's `waitForConfirms`
 * can be trusted to end on their own: a channel whose connection died (a broker restart) never
 * drains, and amqplib's close handler stops failing the confirm waiters at the first message
 * the broker had confirmed out of order, so the others wait forever. Either would hang the relay
 * for good, silently, with its batch's rows locked.
 */
export function whileOpen<T>(
  channel: ConfirmChannel,
  pending: (signal: AbortSignal) => Promise<T>,
  what: string,
  timeoutMs: number,
): Promise<T> {
  const abort = new AbortController()
  return new Promise<T>((resolve, reject) => {
    const finish = (settle: () => void) => {
      clearTimeout(timer)
      channel.off('close', onClose)
      abort.abort()
      settle()
    }
    const onClose = () =>
      finish(() => reject(new Error(`the channel closed while the relay waited for ${what}`)))
    const timer = setTimeout(
      () => finish(() => reject(new Error(`waited ${timeoutMs} ms for ${what}; the broker did not answer`))),
      timeoutMs,
    )
    channel.once('close', onClose)
    pending(abort.signal).then(
      (value) => finish(() => resolve(value)),
      (err: unknown) => finish(() => reject(err)),
    )
  })
}

/** Resolves once a full channel takes writes again (see `whileOpen` for how the wait ends otherwise). */
export function drained(channel: ConfirmChannel, timeoutMs = DEFAULT_BROKER_TIMEOUT_MS): Promise<void> {
  return whileOpen(
    channel,
    (signal) => once(channel, 'drain', { signal }).then(() => undefined),
    'the channel to drain',
    timeoutMs,
  )
}

/** Resolves once the broker confirmed every message published on the channel. */
export function confirmed(channel: ConfirmChannel, timeoutMs = DEFAULT_BROKER_TIMEOUT_MS): Promise<void> {
  return whileOpen(channel, () => channel.waitForConfirms(), 'publisher confirms', timeoutMs)
}

export function createOutboxRelay(options: OutboxRelayOptions): OutboxRelay {
  return new OutboxRelay(options)
}
