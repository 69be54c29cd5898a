// Records every message published on the event exchange under some routing keys, through a
// temporary queue of its own, so a test can assert what a producer published.
import type { Channel, ConsumeMessage } from 'amqplib'
import type { AmqpConnection } from '../connection.ts'
import { assertEventExchange, DEFAULT_EXCHANGE } from '../topology.ts'

export interface CollectedMessage {
  routingKey: string
  messageId: string | undefined
  headers: Record<string, unknown>
  body: unknown
  raw: ConsumeMessage
}

export interface MessageCollector {
  readonly messages: CollectedMessage[]
  stop(): Promise<void>
}

/** Starts collecting now; `routingKeys` are topic patterns (`user.*.v1`, `#`). */
export async function collectMessages(
  connection: AmqpConnection,
  routingKeys: string | readonly string[],
  options: { exchange?: string } = {},
): Promise<MessageCollector> {
  const exchange = options.exchange ?? DEFAULT_EXCHANGE
  const channel: Channel = await (await connection.ready()).createChannel()
  await assertEventExchange(channel, exchange)
  const { queue } = await channel.assertQueue('', { exclusive: true, autoDelete: true })
  for (const key of typeof routingKeys === 'string' ? [routingKeys] : routingKeys)
    await channel.bindQueue(queue, exchange, key)
  const messages: CollectedMessage[] = []
  await channel.consume(
    queue,
    (msg) => {
      if (!msg) return
      const text = msg.content.toString('utf8')
      let body: unknown = text
      try {
        body = JSON.parse(text)
      } catch {
        // Not JSON: kept as text, which is what the test will want to see.
      }
      messages.push({
        routingKey: msg.fields.routingKey,
        messageId: msg.properties.messageId as string | undefined,
        headers: (msg.properties.headers ?? {}) as Record<string, unknown>,
        body,
        raw: msg,
      })
    },
    { noAck: true },
  )
  return { messages, stop: () => channel.close().catch(() => {}) }
}
