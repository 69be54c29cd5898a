// Publishes an event envelope straight to the broker as a producer's relay would (message id =
// event id), so consumers can be fed events the catalog did not make, or the same message twice.
import { randomUUID } from 'node:crypto'
import { assertEventExchange, DEFAULT_EXCHANGE, type AmqpConnection } from '@deals/messaging'

export interface PublishedEvent {
  id: string
  name: string
  payload: unknown
}

export async function publishEvent(
  connection: AmqpConnection,
  event: { name: string; payload: unknown; id?: string; producer?: string },
): Promise<PublishedEvent> {
  const id = event.id ?? randomUUID()
  const channel = await (await connection.ready()).createConfirmChannel()
  try {
    await assertEventExchange(channel, DEFAULT_EXCHANGE)
    const envelope = {
      id,
      name: event.name,
      occurredAt: new Date().toISOString(),
      producer: event.producer ?? 'test',
      payload: event.payload,
    }
    channel.publish(DEFAULT_EXCHANGE, event.name, Buffer.from(JSON.stringify(envelope)), {
      messageId: id,
      type: event.name,
      persistent: true,
      contentType: 'application/json',
    })
    await channel.waitForConfirms()
  } finally {
    await channel.close()
  }
  return { id, name: event.name, payload: event.payload }
}
