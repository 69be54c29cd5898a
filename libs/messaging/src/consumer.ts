// Subscribes a handler to events. Each delivery is parsed (tolerant reader: the caller's schema
// reads only what it needs), then handled in one database transaction that first claims the
// message id in the inbox, so a redelivery has no second effect; the ack follows the commit.
// A failed handler's message goes to a delay queue with attempt+1, or to the parking queue once
// maxAttempts is reached; an unparseable message is parked at once, since it can never succeed.
// Work a handler defers with `afterCommit` runs once its transaction has committed, before the ack.
import type { Channel, ConfirmChannel, ChannelModel, ConsumeMessage } from 'amqplib'
import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api'
import type { Registry } from 'prom-client'
import type { ZodType } from 'zod'
import type { AmqpConnection } from './connection.ts'
import {
  ATTEMPT_HEADER,
  LAST_ERROR_HEADER,
  PARKED_AT_HEADER,
  PARKED_REASON_HEADER,
  attemptOf,
} from './headers.ts'
import { claimInboxMessage } from './inbox.ts'
import { silentLogger, type MessagingLogger } from './logger.ts'
import { consumerOutcomeCounter } from './metrics.ts'
import { republish } from './republish.ts'
import type { SqlExecutor, TransactionalDb } from './sql-client.ts'
import { extractTraceContext } from './trace-context.ts'
import {
  assertConsumerTopology,
  consumerTopology,
  DEFAULT_RETRY_DELAYS_MS,
  retryQueueFor,
  type ConsumerTopology,
} from './topology.ts'

export interface ConsumedMessage<T> {
  /** The producer's message id (the outbox row id); the inbox deduplicates on it. */
  id: string
  /** Versioned event name. */
  name: string
  /** 1 for the first delivery, incremented by each retry. */
  attempt: number
  /** The message body as parsed by the consumer's schema. */
  envelope: T
  headers: Record<string, unknown>
}

/** What a handler can ask of the delivery it runs in, besides its transaction. */
export interface HandlerContext {
  /**
   * Runs `fn` once the handler's transaction has committed, before the ack; never after a
   * rollback or a commit that failed (the retried delivery registers it again). For effects
   * outside the database that must count only what was kept, such as metrics. `fn` must not use
   * the transaction; its failure is logged and the message stays handled.
   */
  afterCommit(fn: () => void | Promise<void>): void
}

export interface ConsumeOptions<T, Tx extends SqlExecutor> {
  connection: AmqpConnection
  /** The service's Prisma client; the handler runs inside its interactive transaction. */
  db: TransactionalDb<Tx>
  /** Consumer name, also its queue name: `<service>.<purpose>`, e.g. `auth.user-registered`. */
  consumer: string
  /** Event names (routing keys) to bind. */
  events: readonly string[]
  /** Parses the message body (the event envelope); a failure parks the message without retries. */
  schema: ZodType<T>
  /** Writes its effect through `tx`; throwing rolls back the effect and the inbox record. */
  handler: (message: ConsumedMessage<T>, tx: Tx, context: HandlerContext) => Promise<void>
  /** Handler invocations before the message is parked (default 5). */
  maxAttempts?: number
  /** Delay before attempt n+1 is `retryDelaysMs[n-1]`, the last one repeating (default 1 s, 5 s, 30 s). */
  retryDelaysMs?: readonly number[]
  /** Deliveries handled concurrently (default 10). */
  prefetch?: number
  exchange?: string
  transactionOptions?: { maxWait?: number; timeout?: number }
  registry?: Registry
  logger?: MessagingLogger
}

export interface Consumer {
  readonly topology: ConsumerTopology
  /** Stops receiving, waits for the handlers in flight to commit and ack, closes the channel. */
  stop(): Promise<void>
}

const tracer = trace.getTracer('@deals/messaging')

class MessageConsumer<T, Tx extends SqlExecutor> implements Consumer {
  readonly topology: ConsumerTopology
  private readonly maxAttempts: number
  private readonly retryDelaysMs: readonly number[]
  private readonly logger: MessagingLogger
  private readonly outcomes
  private readonly inFlight = new Set<Promise<void>>()
  private active: { channel: ConfirmChannel; consumerTag: string } | undefined
  private unsubscribe: (() => void) | undefined
  private stopping = false

  constructor(private readonly options: ConsumeOptions<T, Tx>) {
    this.retryDelaysMs = options.retryDelaysMs?.length ? options.retryDelaysMs : DEFAULT_RETRY_DELAYS_MS
    this.maxAttempts = Math.max(1, options.maxAttempts ?? 5)
    this.topology = consumerTopology(options.consumer, {
      exchange: options.exchange,
      retryDelaysMs: this.retryDelaysMs,
    })
    this.logger = options.logger ?? silentLogger
    this.outcomes = consumerOutcomeCounter(options.registry)
  }

  async start(): Promise<void> {
    this.unsubscribe = await this.options.connection.onConnected((model) => this.subscribe(model))
  }

  async stop(): Promise<void> {
    this.stopping = true
    this.unsubscribe?.()
    const active = this.active
    this.active = undefined
    if (active) await active.channel.cancel(active.consumerTag).catch(() => {})
    await Promise.allSettled([...this.inFlight])
    if (active) await active.channel.close().catch(() => {})
  }

  private async subscribe(model: ChannelModel): Promise<void> {
    const channel = await model.createConfirmChannel()
    channel.on('error', (err: unknown) =>
      this.logger.warn({ err, consumer: this.options.consumer }, 'consumer channel error'),
    )
    channel.on('close', () => this.channelClosed(model, channel))
    await channel.prefetch(this.options.prefetch ?? 10)
    await assertConsumerTopology(channel, this.topology, this.options.events)
    const { consumerTag } = await channel.consume(this.topology.queue, (msg) => {
      if (msg) this.track(this.deliver(channel, msg))
    })
    this.active = { channel, consumerTag }
  }

  /** A channel can die alone (a protocol error) while the connection lives on: subscribe again. */
  private channelClosed(model: ChannelModel, channel: Channel): void {
    if (this.stopping || this.active?.channel !== channel) return
    this.active = undefined
    if (this.options.connection.model !== model) return
    setTimeout(() => {
      if (this.stopping || this.options.connection.model !== model) return
      this.subscribe(model).catch((err: unknown) =>
        this.logger.error({ err, consumer: this.options.consumer }, 'consumer resubscribe failed'),
      )
    }, 1_000).unref()
  }

  private track(work: Promise<void>): void {
    this.inFlight.add(work)
    void work.finally(() => this.inFlight.delete(work))
  }

  private async deliver(channel: ConfirmChannel, msg: ConsumeMessage): Promise<void> {
    const headers = (msg.properties.headers ?? {}) as Record<string, unknown>
    const attempt = attemptOf(headers)
    const id = msg.properties.messageId as string | undefined
    const name = (msg.properties.type as string | undefined) ?? msg.fields.routingKey
    const consumer = this.options.consumer
    try {
      const parsed = id
        ? this.parse(msg)
        : { ok: false as const, error: new Error('message has no messageId') }
      if (!parsed.ok) {
        this.logger.warn(
          { err: parsed.error, consumer, messageId: id, event: name },
          'unparseable message parked',
        )
        await republish(channel, msg, this.topology.parkingQueue, {
          [PARKED_REASON_HEADER]: 'invalid',
          [PARKED_AT_HEADER]: new Date().toISOString(),
          [LAST_ERROR_HEADER]: describe(parsed.error),
        })
        channel.ack(msg)
        this.outcomes.inc({ consumer, outcome: 'invalid' })
        return
      }
      const message: ConsumedMessage<T> = { id: id as string, name, attempt, envelope: parsed.value, headers }
      let outcome: string
      try {
        outcome = (await this.handle(message)) ? 'handled' : 'duplicate'
      } catch (err) {
        outcome = await this.fail(channel, msg, attempt, err)
      }
      channel.ack(msg)
      this.outcomes.inc({ consumer, outcome })
    } catch (err) {
      // The channel died mid-way: the unacked message is redelivered and the inbox absorbs it.
      this.logger.warn(
        { err, consumer, messageId: id },
        'delivery left unacked; the broker will redeliver it',
      )
    }
  }

  private parse(msg: ConsumeMessage): { ok: true; value: T } | { ok: false; error: unknown } {
    let body: unknown
    try {
      body = JSON.parse(msg.content.toString('utf8'))
    } catch (error) {
      return { ok: false, error }
    }
    const result = this.options.schema.safeParse(body)
    return result.success ? { ok: true, value: result.data } : { ok: false, error: result.error }
  }

  /** True when the handler ran and committed, false when the inbox already had the message. */
  private handle(message: ConsumedMessage<T>): Promise<boolean> {
    const { consumer, db, handler, transactionOptions } = this.options
    const attributes = {
      'messaging.system': 'rabbitmq',
      'messaging.destination.name': message.name,
      'messaging.message.id': message.id,
    }
    return tracer.startActiveSpan(
      `process ${message.name}`,
      { kind: SpanKind.CONSUMER, attributes },
      extractTraceContext(message.headers),
      async (span) => {
        try {
          let afterCommit: (() => void | Promise<void>)[] = []
          const handled = await db.$transaction(async (tx) => {
            // Only the transaction that commits leaves its callbacks behind.
            const callbacks: (() => void | Promise<void>)[] = []
            afterCommit = callbacks
            if (!(await claimInboxMessage(tx, consumer, message.id))) return false
            await handler(message, tx, { afterCommit: (fn) => void callbacks.push(fn) })
            return true
          }, transactionOptions)
          await this.runAfterCommit(message, afterCommit)
          return handled
        } catch (err) {
          span.recordException(err instanceof Error ? err : String(err))
          span.setStatus({ code: SpanStatusCode.ERROR })
          throw err
        } finally {
          span.end()
        }
      },
    )
  }

  /** The committed handler's deferred work, in order; a failure is logged, never retried. */
  private async runAfterCommit(
    message: ConsumedMessage<T>,
    callbacks: readonly (() => void | Promise<void>)[],
  ): Promise<void> {
    for (const fn of callbacks) {
      try {
        await fn()
      } catch (err) {
        this.logger.error(
          { err, consumer: this.options.consumer, messageId: message.id },
          'after-commit work failed; the message stays handled',
        )
      }
    }
  }

  private async fail(
    channel: ConfirmChannel,
    msg: ConsumeMessage,
    attempt: number,
    err: unknown,
  ): Promise<string> {
    const log = { err, consumer: this.options.consumer, messageId: msg.properties.messageId, attempt }
    if (attempt >= this.maxAttempts) {
      this.logger.error(log, 'handler failed for the last time; message parked')
      await republish(channel, msg, this.topology.parkingQueue, {
        [PARKED_REASON_HEADER]: 'failed',
        [PARKED_AT_HEADER]: new Date().toISOString(),
        [LAST_ERROR_HEADER]: describe(err),
      })
      return 'parked'
    }
    this.logger.warn(log, 'handler failed; message scheduled for a retry')
    await republish(channel, msg, retryQueueFor(this.topology, this.retryDelaysMs, attempt), {
      [ATTEMPT_HEADER]: attempt + 1,
      [LAST_ERROR_HEADER]: describe(err),
    })
    return 'retried'
  }
}

/** Starts consuming (now, and again after every reconnect) and returns a handle to stop it. */
export async function consume<T, Tx extends SqlExecutor>(options: ConsumeOptions<T, Tx>): Promise<Consumer> {
  const consumer = new MessageConsumer(options)
  await consumer.start()
  return consumer
}

function describe(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err)
  return text.length > 500 ? `${text.slice(0, 500)}...` : text
}
