// Delivers every saga message twice: a queue bound to the payment commands and replies hands each
// message back to the exchange once more, with the same message id and properties, so every
// consumer gets a second copy (sooner or later than the first) and must absorb it.
import amqp from 'amqplib'

const COPY_HEADER = 'x-e2e-copy'

export interface Duplicator {
  copies(): number
  stop(): Promise<void>
}

export async function duplicateSagaMessages(
  amqpUrl: string,
  exchange = 'domain.events',
): Promise<Duplicator> {
  const connection = await amqp.connect(amqpUrl)
  const channel = await connection.createConfirmChannel()
  await channel.assertExchange(exchange, 'topic', { durable: true })
  const { queue } = await channel.assertQueue('', { exclusive: true, autoDelete: true })
  await channel.bindQueue(queue, exchange, 'payment.#')
  let copies = 0
  await channel.consume(queue, (msg) => {
    if (!msg) return
    const headers = msg.properties.headers ?? {}
    if (!headers[COPY_HEADER]) {
      channel.publish(exchange, msg.fields.routingKey, msg.content, {
        ...msg.properties,
        headers: { ...headers, [COPY_HEADER]: 1 },
      })
      copies++
    }
    channel.ack(msg)
  })
  return {
    copies: () => copies,
    async stop() {
      await channel.waitForConfirms().catch(() => {})
      await connection.close().catch(() => {})
    },
  }
}
