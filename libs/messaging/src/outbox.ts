// Writes a domain event into the outbox inside the caller's transaction, so the event exists
// exactly when the state change it describes commits; the relay publishes it afterwards.
import { randomUUID } from 'node:crypto'
import type { SqlExecutor } from './sql-client.ts'
import { injectTraceHeaders } from './trace-context.ts'

/** Channel the relay LISTENs on; PostgreSQL delivers the notification only if the transaction commits. */
export const OUTBOX_CHANNEL = 'outbox_messages'

export interface OutboxEvent {
  /** Versioned event name, also the routing key: `user.registered.v1`. */
  name: string
  payload: unknown
  /** Message id; a fresh UUID when omitted. Consumers deduplicate on it. */
  id?: string
  /** Extra message headers; trace context is added from the active context. */
  headers?: Record<string, string>
}

/** Inserts the event in `tx` (a Prisma interactive transaction client) and returns its message id. */
export async function enqueue(tx: SqlExecutor, event: OutboxEvent): Promise<string> {
  const id = event.id ?? randomUUID()
  const headers = { ...event.headers, ...injectTraceHeaders() }
  await tx.$executeRawUnsafe(
    `WITH row AS (
       INSERT INTO outbox_messages (id, event_name, payload, headers)
       VALUES ($1::uuid, $2, $3::jsonb, $4::jsonb)
       RETURNING id
     )
     SELECT pg_notify('${OUTBOX_CHANNEL}', '') FROM row`,
    id,
    event.name,
    JSON.stringify(event.payload ?? null),
    JSON.stringify(headers),
  )
  return id
}
