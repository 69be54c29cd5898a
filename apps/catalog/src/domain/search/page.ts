// One page of a keyset-paginated list: ask for one row more than the limit to learn whether
// another page follows, and make the cursor from the last row shown.
import { encodeCursor } from '@deals/service-kit'

export interface PageRequest {
  limit: number
  /** The `nextCursor` of the previous page. */
  cursor?: string | undefined
}

export interface Page<T> {
  items: T[]
  nextCursor: string | null
}

export function pageFrom<R, T>(
  rows: R[],
  limit: number,
  view: (row: R) => T,
  position: (row: R) => Record<string, string | number>,
): Page<T> {
  const shown = rows.slice(0, limit)
  const last = shown.at(-1)
  return {
    items: shown.map(view),
    nextCursor: rows.length > limit && last ? encodeCursor(position(last)) : null,
  }
}
