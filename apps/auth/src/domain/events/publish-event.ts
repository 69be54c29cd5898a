// Records a domain event in the outbox inside the caller's transaction, validated against its
// contract first, so a malformed event fails the change instead of reaching consumers.
import type { z } from 'zod'
import { enqueue, type SqlExecutor } from '@deals/messaging'

interface EventContract<S extends z.ZodType> {
  name: string
  payload: S
}

export async function publishEvent<S extends z.ZodType>(
  tx: SqlExecutor,
  event: EventContract<S>,
  payload: z.infer<S>,
) {
  await enqueue(tx, { name: event.name, payload: event.payload.parse(payload) })
}
