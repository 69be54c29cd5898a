// The consumer's record of processed messages. Claiming the message id is the first statement
// of the handler's transaction, so the record and the effect commit or roll back together.
import type { SqlExecutor } from './sql-client.ts'

/**
 * Claims `messageId` for `consumer` inside `tx`. False means another delivery of the same
 * message already committed (or is committing: the insert waits on its row lock), so the
 * handler must not run again.
 */
export async function claimInboxMessage(
  tx: SqlExecutor,
  consumer: string,
  messageId: string,
): Promise<boolean> {
  const inserted = await tx.$executeRawUnsafe(
    'INSERT INTO inbox_messages (consumer, message_id) VALUES ($1, $2) ON CONFLICT DO NOTHING',
    consumer,
    messageId,
  )
  return inserted === 1
}

/**
 * The inbox's rule for a retention sweeper: a processed message id ages by `processed_at`
 * (indexed) and is kept `hours`, which must outlast any redelivery, the outbox's 3 days of
 * republishable rows included.
 */
export function inboxRetentionRule(hours: number): { table: string; column: string; retainMs: number } {
  return { table: 'inbox_messages', column: 'processed_at', retainMs: hours * 3_600_000 }
}
