// Feeds the edge state from the broker: the catalog's deal snapshots and the order service's
// sold-out / restocked events, on a queue of this process's own (not durable, exclusive, deleted
// with the connection). Applying an event twice changes nothing, so there is no inbox. Events
// sent while the gateway was not connected are lost with that queue, so whatever was known is
// forgotten when the channel closes and again when a new one opens: a deal believed sold out
// before a restock that was missed would otherwise stay refused. Until it hears again, the
// gateway forwards every purchase, which is always right, only slower.
import { randomUUID } from 'node:crypto'
import type { Channel, ConsumeMessage } from 'amqplib'
import {
  DEFAULT_EXCHANGE,
  assertEventExchange,
  openAmqpConnection,
  type AmqpConnection,
  type MessagingLogger,
} from '@deals/messaging'
import { DEAL_EVENTS, dealSnapshotSchema, stockRestockedV1, stockSoldOutV1 } from '@deals/contracts'
import type { DealEdgeState } from './deal-edge-state.ts'

export interface DealEventsSubscriptionOptions {
  amqpUrl: string
  state: DealEdgeState
  logger: MessagingLogger
}

const DEAL_EVENT_NAMES = new Set<string>(DEAL_EVENTS.map((event) => event.name))
/** Only what the edge reads of a deal (tolerant of everything else a snapshot carries). */
const dealTermsSchema = dealSnapshotSchema.pick({
  dealId: true,
  version: true,
  status: true,
  startsAt: true,
  endsAt: true,
})

export class DealEventsSubscription {
  /** Unique per process, so an operator (or a test) can find this connection in the broker. */
  readonly connectionName = `gateway.edge.${randomUUID()}`
  #connection: AmqpConnection | undefined

  constructor(private readonly options: DealEventsSubscriptionOptions) {}

  async start(): Promise<void> {
    const { state, logger } = this.options
    this.#connection = await openAmqpConnection({
      url: this.options.amqpUrl,
      name: this.connectionName,
      connectAttempts: 3,
      logger,
    })
    await this.#connection.onConnected(async (model) => {
      state.forget()
      const channel = await model.createChannel()
      channel.on('close', () => state.forget())
      // A channel error must not crash the gateway; the close that follows forgets the state.
      channel.on('error', (err: unknown) => logger.warn({ err }, 'edge events channel failed'))
      await this.#subscribe(channel)
    })
  }

  async stop(): Promise<void> {
    await this.#connection?.close()
  }

  async #subscribe(channel: Channel): Promise<void> {
    await assertEventExchange(channel)
    const { queue } = await channel.assertQueue('', { exclusive: true, autoDelete: true, durable: false })
    for (const name of [...DEAL_EVENT_NAMES, stockSoldOutV1.name, stockRestockedV1.name])
      await channel.bindQueue(queue, DEFAULT_EXCHANGE, name)
    await channel.consume(queue, (message) => message && this.#apply(message), { noAck: true })
  }

  #apply(message: ConsumeMessage): void {
    const { state } = this.options
    const name = message.fields.routingKey
    let payload: unknown
    try {
      payload = (JSON.parse(message.content.toString('utf8')) as { payload?: unknown }).payload
    } catch {
      return
    }
    if (DEAL_EVENT_NAMES.has(name)) {
      const deal = dealTermsSchema.safeParse(payload)
      if (deal.success) state.applyDeal(deal.data)
    } else if (name === stockSoldOutV1.name) {
      const news = stockSoldOutV1.payload.safeParse(payload)
      if (news.success) state.applySoldOut(news.data.dealId, Date.parse(news.data.at))
    } else if (name === stockRestockedV1.name) {
      const news = stockRestockedV1.payload.safeParse(payload)
      if (news.success) state.applyRestocked(news.data.dealId, Date.parse(news.data.at))
    }
  }
}
