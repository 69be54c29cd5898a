// Records a domain event in the outbox inside the caller's transaction, validated against its
// contract first; the messaging relay publishes it after commit.
import { randomUUID } from 'node:crypto'
import type { z } from 'zod'

export interface SqlTransaction {
  $executeRawUnsafe(query: string, ...values: unknown[]): PromiseLike<number>
}

interface EventContract<S extends z.ZodType> {
  name: string
  payload: S
}

/** Same row and notification as @deals/messaging's `enqueue`, which this app cannot import until that lib is published. */
export async function publishEvent<S extends z.ZodType>(tx: SqlTransaction, event: EventContract<S>, payload: z.infer<S>) {
  const body = event.payload.parse(payload)
  await tx.$executeRawUnsafe(
    `WITH row AS (
       INSERT INTO outbox_messages (id, event_name, payload, headers) VALUES ($1::uuid, $2, $3::jsonb, '{}'::jsonb) RETURNING id
     )
     SELECT pg_notify('outbox_messages', '') FROM row`,
    randomUUID(),
    event.name,
    JSON.stringify(body),
  )
}
