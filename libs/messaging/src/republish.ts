// Copies a received message straight to one queue (retry, parking, or back to the consumer)
// through the default exchange, and resolves only once the broker confirmed the copy, so the
// caller may then ack the original without ever losing the message.
import type { ConfirmChannel, Message, Options } from 'amqplib'
import { republishableHeaders } from './headers.ts'

/**
 * `headers` are merged over the original's (minus the broker's dead-letter bookkeeping);
 * a header set to undefined is removed.
 */
export function republish(
  channel: ConfirmChannel,
  msg: Message,
  queue: string,
  headers: Record<string, unknown>,
): Promise<void> {
  const p = msg.properties
  const merged = { ...republishableHeaders(p.headers as Record<string, unknown> | undefined), ...headers }
  for (const [key, value] of Object.entries(merged)) if (value === undefined) delete merged[key]
  const options: Options.Publish = {
    persistent: true,
    contentType: p.contentType as string | undefined,
    messageId: p.messageId as string | undefined,
    type: p.type as string | undefined,
    appId: p.appId as string | undefined,
    timestamp: p.timestamp as number | undefined,
    correlationId: p.correlationId as string | undefined,
    headers: merged,
  }
  return new Promise((resolve, reject) => {
    channel.publish('', queue, msg.content, options, (err) =>
      err ? reject(err instanceof Error ? err : new Error(String(err))) : resolve(),
    )
  })
}
