// Shared shapes of route schemas: the problem+json responses a route lists in its OpenAPI, and
// cursor pagination (`?limit=&cursor=` in, `{ items, nextCursor }` out) used by every list route.
import { z } from 'zod'
import { problemSchema } from '@deals/contracts'
import { defineError } from './errors.ts'

type Status = 400 | 401 | 403 | 404 | 409 | 410 | 413 | 415 | 422 | 429 | 503

export function problemResponses<S extends Status>(...statuses: S[]): Record<S, typeof problemSchema> {
  return Object.fromEntries(statuses.map((s) => [s, problemSchema])) as Record<S, typeof problemSchema>
}

export const pageQueryShape = {
  limit: z.coerce.number().int().min(1).max(100).default(20),
  /** Opaque: the `nextCursor` of the previous page. */
  cursor: z.string().min(1).max(512).optional(),
}

export const pageOf = <T extends z.ZodType>(item: T) =>
  z.object({ items: z.array(item), nextCursor: z.string().nullable() })

/** Encodes the sort key of the last item of a page. */
export function encodeCursor(position: Record<string, string | number>): string {
  return Buffer.from(JSON.stringify(position)).toString('base64url')
}

/** Decodes a cursor made by `encodeCursor`, checked against `shape`; a bad one is a 400 `INVALID_CURSOR`. */
export function decodeCursor<S extends z.ZodRawShape>(cursor: string, shape: S): z.infer<z.ZodObject<S>> {
  try {
    const parsed = z.object(shape).safeParse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')))
    if (parsed.success) return parsed.data
  } catch {
    // fall through to the error below
  }
  throw InvalidCursor()
}

export const InvalidCursor = defineError('INVALID_CURSOR', 400, 'The cursor is not valid for this list')
