// What an admin (or the CLI) sees of an item import: its status, totals and progress.
import type { ItemImport, ItemImportStatus } from '../../generated/prisma/client.ts'

/** At most this many rejected rows are kept, with their reasons. */
export const INVALID_SAMPLE_SIZE = 50

export interface InvalidRow {
  pageNo: number
  /** Position of the row in its page, from 0. */
  index: number
  sourceCode: string | null
  reason: string
}

export interface ItemImportView {
  id: string
  sourceUrl: string
  pageSize: number
  status: ItemImportStatus
  totalPages: number | null
  totalRows: number | null
  pagesDone: number
  rowsSeen: number
  inserted: number
  updated: number
  duplicate: number
  invalid: number
  invalidSample: InvalidRow[]
  failureReason: string | null
  percent: number
  createdAt: string
  startedAt: string | null
  finishedAt: string | null
}

function percentDone(row: ItemImport): number {
  if (row.status === 'COMPLETED') return 100
  if (!row.totalPages) return 0
  return Math.floor((row.pagesDone / row.totalPages) * 1000) / 10
}

export const itemImportView = (row: ItemImport): ItemImportView => ({
  id: row.id,
  sourceUrl: row.sourceUrl,
  pageSize: row.pageSize,
  status: row.status,
  totalPages: row.totalPages,
  totalRows: row.totalRows,
  pagesDone: row.pagesDone,
  rowsSeen: row.rowsSeen,
  inserted: row.rowsInserted,
  updated: row.rowsUpdated,
  duplicate: row.rowsDuplicate,
  invalid: row.rowsInvalid,
  invalidSample: row.invalidSample as unknown as InvalidRow[],
  failureReason: row.failureReason,
  percent: percentDone(row),
  createdAt: row.createdAt.toISOString(),
  startedAt: row.startedAt?.toISOString() ?? null,
  finishedAt: row.finishedAt?.toISOString() ?? null,
})
