// Keyset cursors over a timestamp column and a uuid. Timestamps travel as ISO strings with the
// column's full microsecond precision: a JavaScript Date keeps milliseconds only, and a cursor
// rounded to them would skip the rows in between.
import { z } from 'zod'
import { decodeCursor } from '@deals/service-kit'
import { Prisma } from '../../generated/prisma/client.ts'

/** SQL giving `column` as an ISO-8601 UTC string with microseconds. */
export const isoMicros = (column: string): Prisma.Sql =>
  Prisma.raw(`to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`)

export interface TimestampPosition {
  at: string
  id: string
}

export const decodeTimestampCursor = (cursor: string): TimestampPosition =>
  decodeCursor(cursor, { at: z.iso.datetime(), id: z.uuid() })
