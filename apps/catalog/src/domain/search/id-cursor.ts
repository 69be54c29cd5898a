// The cursor of lists ordered by id alone (UUIDv7 ids are time-ordered, so id order is creation order).
import { z } from 'zod'
import { decodeCursor } from '@deals/service-kit'

export const decodeIdCursor = (cursor: string): string => decodeCursor(cursor, { id: z.uuid() }).id
