// @deals/messaging: domain events over RabbitMQ with a transactional outbox (publish exactly
// what committed), an inbox (apply each message once), retries with backoff and a parking queue.
export {
  AmqpConnection,
  openAmqpConnection,
  type AmqpConnectionOptions,
  type ConnectionSetup,
} from './connection.ts'
export { enqueue, OUTBOX_CHANNEL, type OutboxEvent } from './outbox.ts'
export { OutboxRelay, createOutboxRelay, type OutboxRelayOptions } from './outbox-relay.ts'
export {
  consume,
  type Consumer,
  type ConsumeOptions,
  type ConsumedMessage,
  type HandlerContext,
} from './consumer.ts'
export { claimInboxMessage, inboxRetentionRule } from './inbox.ts'
export { listParked, replayParked, type ParkedMessage } from './parking-lot.ts'
export {
  DEFAULT_EXCHANGE,
  DEFAULT_RETRY_DELAYS_MS,
  assertConsumerTopology,
  assertEventExchange,
  consumerTopology,
  type ConsumerTopology,
} from './topology.ts'
export { ATTEMPT_HEADER, LAST_ERROR_HEADER, PARKED_AT_HEADER, PARKED_REASON_HEADER } from './headers.ts'
export { messagingPrismaModels, missingMessagingModels } from './schema-fragment.ts'
export { injectTraceHeaders } from './trace-context.ts'
export type { SqlExecutor, TransactionalDb } from './sql-client.ts'
export type { MessagingLogger } from './logger.ts'
