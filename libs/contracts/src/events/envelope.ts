// Every domain event travels in the same envelope; the routing key is the versioned name.
import { z } from 'zod'

export const eventEnvelopeSchema = z.object({
  id: z.uuid(),
  name: z.string().regex(/^[a-z]+(\.[a-z-]+)+\.v\d+$/, 'event names look like order.placed.v1'),
  occurredAt: z.iso.datetime(),
  producer: z.string(),
  payload: z.unknown(),
})
export type EventEnvelope<P = unknown> = Omit<z.infer<typeof eventEnvelopeSchema>, 'payload'> & { payload: P }

/** Declares one versioned event: its routing key and the schema of its payload. */
export function defineEvent<N extends string, S extends z.ZodType>(name: N, payload: S) {
  return { name, payload } as const
}
export type EventDefinition = ReturnType<typeof defineEvent>
export type EventPayload<E extends { payload: z.ZodType }> = z.infer<E['payload']>
