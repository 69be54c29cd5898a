// A stand-in for a service that sends the payment service commands: publishes command envelopes
// to the test vhost as that service's relay would, and collects the replies it would consume.
import { randomUUID } from 'node:crypto'
import { DEFAULT_EXCHANGE, openAmqpConnection } from '@deals/messaging'
import { collectMessages } from '@deals/messaging/testing'
import type { TestPaymentApp } from './test-payment-app.ts'

export async function startCommandDouble(t: TestPaymentApp, producer: string, replyNames: string[]) {
  const amqp = await openAmqpConnection({ url: t.vhost.url, name: `${producer}-double` })
  const collector = await collectMessages(amqp, replyNames)
  const channel = await (await amqp.ready()).createConfirmChannel()
  return {
    /** Publishes one command envelope; pass the same `id` again to deliver the same message twice. */
    async publish(name: string, payload: object, id: string = randomUUID()): Promise<string> {
      const envelope = { id, name, occurredAt: new Date().toISOString(), producer, payload }
      channel.publish(DEFAULT_EXCHANGE, name, Buffer.from(JSON.stringify(envelope)), {
        messageId: id,
        type: name,
        persistent: true,
        contentType: 'application/json',
      })
      await channel.waitForConfirms()
      return id
    },
    /** The replies received so far, in the order they were published. */
    messages: () => collector.messages,
    async close() {
      await channel.close().catch(() => {})
      await collector.stop()
      await amqp.close()
    },
  }
}
