// One named AMQP connection per process that survives broker restarts: the first connect
// retries with backoff, and when the broker closes the connection it reconnects in the
// background and runs every registered setup (consumers re-create channels and subscriptions).
import amqp, { type ChannelModel } from 'amqplib'
import { silentLogger, type MessagingLogger } from './logger.ts'

export interface AmqpConnectionOptions {
  url: string
  /** Shown in the management UI and usable to find (and force-close) the connection. */
  name: string
  /** Backoff between connection attempts; doubles from `initialDelayMs` up to `maxDelayMs`. */
  initialDelayMs?: number
  maxDelayMs?: number
  /** Attempts for the FIRST connect before `openAmqpConnection` rejects; reconnects never give up. */
  connectAttempts?: number
  logger?: MessagingLogger
}

/** Runs on every (re)connection with the fresh connection; a throw makes the connection start over. */
export type ConnectionSetup = (connection: ChannelModel) => Promise<void>

export class AmqpConnection {
  private current: ChannelModel | undefined
  private readonly setups = new Set<ConnectionSetup>()
  private readonly waiters = new Set<{ resolve: (c: ChannelModel) => void; reject: (e: Error) => void }>()
  private closing = false
  private reconnecting: Promise<void> | undefined
  private readonly logger: MessagingLogger

  private constructor(private readonly options: AmqpConnectionOptions) {
    this.logger = options.logger ?? silentLogger
  }

  static async open(options: AmqpConnectionOptions): Promise<AmqpConnection> {
    const connection = new AmqpConnection(options)
    await connection.connectWithRetry(options.connectAttempts ?? 10)
    return connection
  }

  get name(): string {
    return this.options.name
  }

  /** The live connection, or undefined while reconnecting. */
  get model(): ChannelModel | undefined {
    return this.current
  }

  /** Resolves with the live connection, waiting for a reconnect when there is none (until `signal` aborts). */
  async ready(signal?: AbortSignal): Promise<ChannelModel> {
    if (this.closing) throw new Error(`AMQP connection ${this.options.name} is closed`)
    if (this.current) return this.current
    signal?.throwIfAborted()
    return new Promise((resolve, reject) => {
      const waiter = {
        resolve: (c: ChannelModel) => {
          signal?.removeEventListener('abort', abort)
          resolve(c)
        },
        reject,
      }
      const abort = () => {
        this.waiters.delete(waiter)
        reject(signal?.reason)
      }
      signal?.addEventListener('abort', abort, { once: true })
      this.waiters.add(waiter)
    })
  }

  /** Runs `setup` now when connected and after every reconnect, until the returned function is called. */
  async onConnected(setup: ConnectionSetup): Promise<() => void> {
    this.setups.add(setup)
    try {
      if (this.current) await setup(this.current)
    } catch (err) {
      this.setups.delete(setup)
      throw err
    }
    return () => {
      this.setups.delete(setup)
    }
  }

  async close(): Promise<void> {
    this.closing = true
    this.setups.clear()
    for (const waiter of this.waiters)
      waiter.reject(new Error(`AMQP connection ${this.options.name} is closed`))
    this.waiters.clear()
    const model = this.current
    this.current = undefined
    if (model) await model.close().catch(() => {})
    await this.reconnecting
  }

  private async connectWithRetry(attempts: number): Promise<void> {
    let delay = this.options.initialDelayMs ?? 100
    for (let attempt = 1; !this.closing; attempt++) {
      try {
        await this.connectOnce()
        return
      } catch (err) {
        if (attempt >= attempts) throw err
        this.logger.warn({ err, attempt, connection: this.options.name }, 'AMQP connect failed; retrying')
        await sleep(delay + Math.random() * delay * 0.2)
        delay = Math.min(delay * 2, this.options.maxDelayMs ?? 5_000)
      }
    }
  }

  private async connectOnce(): Promise<void> {
    const model = await amqp.connect(this.options.url, {
      clientProperties: { connection_name: this.options.name },
    })
    // amqplib emits 'error' before 'close'; without a listener it would crash the process.
    model.on('error', (err: unknown) =>
      this.logger.warn({ err, connection: this.options.name }, 'AMQP connection error'),
    )
    model.on('close', () => this.lost(model))
    if (this.closing) {
      await model.close().catch(() => {})
      return
    }
    try {
      for (const setup of this.setups) await setup(model)
    } catch (err) {
      await model.close().catch(() => {})
      throw err
    }
    this.current = model
    for (const waiter of this.waiters) waiter.resolve(model)
    this.waiters.clear()
    this.logger.info({ connection: this.options.name }, 'AMQP connected')
  }

  /** Only the live connection triggers a reconnect: one that failed its setup is already being retried. */
  private lost(model: ChannelModel): void {
    if (this.current !== model) return
    this.current = undefined
    if (this.closing || this.reconnecting) return
    this.logger.warn({ connection: this.options.name }, 'AMQP connection lost; reconnecting')
    this.reconnecting = this.connectWithRetry(Number.POSITIVE_INFINITY)
      .catch((err: unknown) =>
        this.logger.error({ err, connection: this.options.name }, 'AMQP reconnect stopped'),
      )
      .finally(() => {
        this.reconnecting = undefined
      })
  }
}

export function openAmqpConnection(options: AmqpConnectionOptions): Promise<AmqpConnection> {
  return AmqpConnection.open(options)
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}
