// The committed sample of the item source, and what importing it must give, worked out here
// from the rows with plain rules, apart from the service's validation code.
import { readFileSync } from 'node:fs'
import type { SourceItemRow } from '../../fixtures/item-rows.ts'

export const sampleRows: SourceItemRow[] = JSON.parse(
  readFileSync(new URL('../../fixtures/sample-items.json', import.meta.url), 'utf8'),
)

const isText = (v: unknown): v is string => typeof v === 'string' && v.trim() !== ''

export function isValidRow(row: SourceItemRow): boolean {
  const code = row.itemCode
  if (!isText(code) || !/^[A-Za-z0-9_.-]+$/.test(code.trim())) return false
  if (!isText(row.itemName) || row.itemName.trim().length > 200) return false
  const price = typeof row.price === 'string' ? row.price.replaceAll(',', '') : ''
  return price === '' || /^[0-9]+$/.test(price)
}

export interface ExpectedImport {
  rowsSeen: number
  invalid: number
  /** Distinct codes among valid rows: each is inserted (or updated) once. */
  distinct: number
  duplicate: number
  /** Code → the last valid row with it. */
  lastByCode: Map<string, SourceItemRow>
}

export function expectedImport(rows: readonly SourceItemRow[]): ExpectedImport {
  const valid = rows.filter(isValidRow)
  const lastByCode = new Map(valid.map((row) => [String(row.itemCode), row]))
  return {
    rowsSeen: rows.length,
    invalid: rows.length - valid.length,
    distinct: lastByCode.size,
    duplicate: valid.length - lastByCode.size,
    lastByCode,
  }
}

/** Polls `read` until `done` holds for its result, or fails after `timeoutMs`. */
export async function waitFor<T>(
  read: () => Promise<T>,
  done: (value: T) => boolean,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await read()
    if (done(value)) return value
    if (Date.now() > deadline) throw new Error(`timed out waiting; last value: ${JSON.stringify(value)}`)
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}
