// Writes checked rows into the item master in chunks, one statement per chunk, and counts what
// each row did: inserted, updated (the code came from an earlier import or none), or duplicate
// (this import already wrote the code from an earlier row; the later row wins). The outer SELECT
// reads `items` as it was before the statement, which is how it sees whose row was overwritten.
import { v7 as uuidv7 } from 'uuid'
import type { CatalogTx } from '../database.ts'
import type { ItemRow } from './item-row.ts'

export const UPSERT_CHUNK_ROWS = 500

export interface UpsertCounts {
  inserted: number
  updated: number
  duplicate: number
}

const UPSERT_SQL = `
  WITH input AS (
    SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::int[])
      AS t(id, source_code, name, category, unit, price)
  ), upserted AS (
    INSERT INTO items (id, source_code, name, category, unit, price, import_id, updated_at)
    SELECT id, source_code, name, category, unit, price, $7::uuid, now() FROM input
    ON CONFLICT (source_code) DO UPDATE
      SET name = EXCLUDED.name, category = EXCLUDED.category, unit = EXCLUDED.unit,
          price = EXCLUDED.price, import_id = EXCLUDED.import_id, updated_at = now()
    RETURNING source_code, (xmax = 0) AS inserted
  )
  SELECT count(*) FILTER (WHERE u.inserted)::int AS inserted,
         count(*) FILTER (WHERE NOT u.inserted AND prior.import_id IS DISTINCT FROM $7::uuid)::int AS updated,
         count(*) FILTER (WHERE NOT u.inserted AND prior.import_id = $7::uuid)::int AS duplicate
    FROM upserted u LEFT JOIN items prior ON prior.source_code = u.source_code`

/** Keeps the last row of each source code, in first-seen order; `dropped` counts the others. */
export function lastRowPerCode(rows: readonly ItemRow[]): { rows: ItemRow[]; dropped: number } {
  const byCode = new Map<string, ItemRow>()
  for (const row of rows) byCode.set(row.sourceCode, row)
  return { rows: [...byCode.values()], dropped: rows.length - byCode.size }
}

/** Upserts rows whose source codes are distinct, tagging them with `importId`. */
export async function upsertItems(
  tx: CatalogTx,
  importId: string,
  rows: readonly ItemRow[],
): Promise<UpsertCounts> {
  const total: UpsertCounts = { inserted: 0, updated: 0, duplicate: 0 }
  for (let start = 0; start < rows.length; start += UPSERT_CHUNK_ROWS) {
    const chunk = rows.slice(start, start + UPSERT_CHUNK_ROWS)
    const [counts] = await tx.$queryRawUnsafe<UpsertCounts[]>(
      UPSERT_SQL,
      chunk.map(() => uuidv7()),
      chunk.map((row) => row.sourceCode),
      chunk.map((row) => row.name),
      chunk.map((row) => row.category),
      chunk.map((row) => row.unit),
      chunk.map((row) => row.price),
      importId,
    )
    total.inserted += counts!.inserted
    total.updated += counts!.updated
    total.duplicate += counts!.duplicate
  }
  return total
}
