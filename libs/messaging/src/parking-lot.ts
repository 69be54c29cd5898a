// Operator tools for a consumer's parking queue: look at what failed, and send it back to the
// consumer once the cause is fixed. Both work on the broker alone, no database needed.
import type { GetMessage } from 'amqplib'
import type { AmqpConnection } from './connection.ts'
import { ATTEMPT_HEADER, LAST_ERROR_HEADER, PARKED_AT_HEADER, PARKED_REASON_HEADER } from './headers.ts'
import { republish } from './republish.ts'
import { consumerTopology } from './topology.ts'

export interface ParkedMessage {
  messageId: string | undefined
  name: string | undefined
  /** `failed` (handler failed maxAttempts times) or `invalid` (the body did not parse). */
  reason: string | undefined
  attempts: number | undefined
  lastError: string | undefined
  parkedAt: string | undefined
  body: string
}

/**
 * Reads up to `limit` parked messages without removing them: they are fetched unacked and
 * returned to the queue when the channel closes, in their original order.
 */
export async function listParked(
  connection: AmqpConnection,
  consumer: string,
  options: { limit?: number } = {},
): Promise<ParkedMessage[]> {
  const queue = consumerTopology(consumer).parkingQueue
  const channel = await (await connection.ready()).createChannel()
  try {
    const parked: ParkedMessage[] = []
    for (let i = 0; i < (options.limit ?? 100); i++) {
      const msg = await channel.get(queue, { noAck: false })
      if (!msg) break
      parked.push(describeParked(msg))
    }
    return parked
  } finally {
    await channel.close()
  }
}

/**
 * Moves up to `limit` parked messages back to the consumer's queue as first attempts and
 * returns their message ids. Each is removed from the parking queue only after the broker
 * confirmed the copy, so a crash mid-way duplicates rather than loses (the inbox absorbs it).
 */
export async function replayParked(
  connection: AmqpConnection,
  consumer: string,
  options: { limit?: number } = {},
): Promise<string[]> {
  const topology = consumerTopology(consumer)
  const channel = await (await connection.ready()).createConfirmChannel()
  try {
    const replayed: string[] = []
    for (let i = 0; i < (options.limit ?? 100); i++) {
      const msg = await channel.get(topology.parkingQueue, { noAck: false })
      if (!msg) break
      await republish(channel, msg, topology.queue, {
        [ATTEMPT_HEADER]: 1,
        [PARKED_REASON_HEADER]: undefined,
        [PARKED_AT_HEADER]: undefined,
        [LAST_ERROR_HEADER]: undefined,
      })
      channel.ack(msg)
      replayed.push(String(msg.properties.messageId))
    }
    return replayed
  } finally {
    await channel.close()
  }
}

function describeParked(msg: GetMessage): ParkedMessage {
  const headers = (msg.properties.headers ?? {}) as Record<string, unknown>
  const text = (key: string) => (headers[key] === undefined ? undefined : String(headers[key]))
  const attempts = Number(headers[ATTEMPT_HEADER])
  return {
    messageId: msg.properties.messageId as string | undefined,
    name: msg.properties.type as string | undefined,
    reason: text(PARKED_REASON_HEADER),
    attempts: Number.isFinite(attempts) ? attempts : undefined,
    lastError: text(LAST_ERROR_HEADER),
    parkedAt: text(PARKED_AT_HEADER),
    body: msg.content.toString('utf8'),
  }
}
