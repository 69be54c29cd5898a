// Publishes domain events on a test vhost the way the services' outbox relays do: the envelope
// as body, the event name as routing key.
import { randomUUID } from 'node:crypto'
import { DEFAULT_EXCHANGE, assertEventExchange, openAmqpConnection } from '@deals/messaging'

export async function startPublisher(amqpUrl: string) {
  const connection = await openAmqpConnection({
    url: amqpUrl,
    name: `gateway-test-publisher.${randomUUID()}`,
  })
  const channel = await (await connection.ready()).createConfirmChannel()
  await assertEventExchange(channel)
  return {
    async publish(name: string, payload: unknown): Promise<void> {
      const id = randomUUID()
      const envelope = { id, name, occurredAt: new Date().toISOString(), producer: 'test', payload }
      channel.publish(DEFAULT_EXCHANGE, name, Buffer.from(JSON.stringify(envelope)), {
        messageId: id,
        type: name,
        contentType: 'application/json',
      })
      await channel.waitForConfirms()
    },
    close: () => connection.close(),
  }
}
