// The RabbitMQ objects events travel through: one topic exchange for all domain events and,
// per consumer, a quorum queue, delay queues for retries and a parking queue:
//
//   producer --(routing key user.registered.v1)--> [domain.events topic]
//                                                        | binding per event
//                                                        v
//     +-------------------------------------------> <consumer> (quorum) ---> handler
//     | dead-letter after TTL                            | fails, attempt < maxAttempts
//   <consumer>.retry.<ms> (quorum, message TTL) <--------+
//                                                        | fails at maxAttempts, or unparseable
//                                                        v
//                                               <consumer>.parking (classic) --replayParked--> <consumer>
//
// Retries and parking are published through the default exchange straight to the queue by
// name, so they reach only the consumer that failed, never the other subscribers.
import type { Channel } from 'amqplib'

export const DEFAULT_EXCHANGE = 'domain.events'
export const DEFAULT_RETRY_DELAYS_MS: readonly number[] = [1_000, 5_000, 30_000]

/**
 * A message redelivered this many times without an ack (the process crashed while handling it)
 * is dead-lettered to the parking queue by RabbitMQ instead of looping forever.
 */
const DELIVERY_LIMIT = 20

export interface ConsumerTopology {
  exchange: string
  queue: string
  parkingQueue: string
  /** One queue per distinct delay, ascending; the name holds the delay so changing it never clashes. */
  retryQueues: { delayMs: number; name: string }[]
}

/** Names of a consumer's queues; nothing is declared. */
export function consumerTopology(
  consumer: string,
  options: { exchange?: string; retryDelaysMs?: readonly number[] } = {},
): ConsumerTopology {
  const delays = [...new Set(options.retryDelaysMs ?? DEFAULT_RETRY_DELAYS_MS)].sort((a, b) => a - b)
  return {
    exchange: options.exchange ?? DEFAULT_EXCHANGE,
    queue: consumer,
    parkingQueue: `${consumer}.parking`,
    retryQueues: delays.map((delayMs) => ({ delayMs, name: `${consumer}.retry.${delayMs}` })),
  }
}

/** Retry queue for the delay after failed attempt `attempt` (1-based); the last delay repeats. */
export function retryQueueFor(
  topology: ConsumerTopology,
  retryDelaysMs: readonly number[],
  attempt: number,
): string {
  const delays = retryDelaysMs.length ? retryDelaysMs : DEFAULT_RETRY_DELAYS_MS
  const delayMs = delays[Math.min(attempt, delays.length) - 1]
  const queue = topology.retryQueues.find((q) => q.delayMs === delayMs)
  if (!queue) throw new Error(`no retry queue for a delay of ${delayMs} ms`)
  return queue.name
}

export async function assertEventExchange(
  channel: Channel,
  exchange: string = DEFAULT_EXCHANGE,
): Promise<void> {
  await channel.assertExchange(exchange, 'topic', { durable: true })
}

/** Declares (idempotently) the exchange, the consumer's queues and one binding per event name. */
export async function assertConsumerTopology(
  channel: Channel,
  topology: ConsumerTopology,
  events: readonly string[],
): Promise<void> {
  await assertEventExchange(channel, topology.exchange)
  // Classic, so an operator peeking at it (get, then requeue) keeps the order and burns no delivery limit.
  await channel.assertQueue(topology.parkingQueue, {
    durable: true,
    arguments: { 'x-queue-type': 'classic' },
  })
  await channel.assertQueue(topology.queue, {
    durable: true,
    arguments: {
      'x-queue-type': 'quorum',
      'x-delivery-limit': DELIVERY_LIMIT,
      'x-dead-letter-exchange': '',
      'x-dead-letter-routing-key': topology.parkingQueue,
    },
  })
  for (const retry of topology.retryQueues) {
    await channel.assertQueue(retry.name, {
      durable: true,
      arguments: {
        'x-queue-type': 'quorum',
        'x-message-ttl': retry.delayMs,
        'x-dead-letter-exchange': '',
        'x-dead-letter-routing-key': topology.queue,
        // A retry must not be lost on its way back: confirm the dead-lettering.
        'x-dead-letter-strategy': 'at-least-once',
        'x-overflow': 'reject-publish',
      },
    })
  }
  for (const event of events) await channel.bindQueue(topology.queue, topology.exchange, event)
}
