// Runs one item import to its end, resuming where it stopped. Pages are fetched a few at a time
// (bounded) but applied strictly in page order, each in one transaction with the import's
// counters and `pagesDone`: a run that dies keeps every page it finished, the next run starts at
// `pagesDone + 1`, and "the later row wins" holds across pages. A page that fails every fetch
// attempt fails the import; bad rows are only counted and sampled.
import type { ItemImport } from '../../generated/prisma/client.ts'
import type { CatalogDb } from '../database.ts'
import { checkItemRow, type ItemRow } from './item-row.ts'
import {
  INVALID_SAMPLE_SIZE,
  itemImportView,
  type InvalidRow,
  type ItemImportView,
} from './item-import-view.ts'
import { lastRowPerCode, upsertItems } from './item-upsert.ts'
import { DEFAULT_FETCH_POLICY, fetchPage, PageFetchFailed, type FetchPolicy } from './page-fetcher.ts'
import type { SourcePage } from './source-page.ts'

export interface ImportRunOptions {
  /** Pages fetched at the same time. */
  concurrency: number
  fetchPolicy?: FetchPolicy
  /** Stops the run between pages (a shutdown); the import stays RUNNING and resumes later. */
  signal?: AbortSignal
  /** Called after each page is committed. */
  onProgress?: (progress: ItemImportView) => void
}

/** Another run of the same import got ahead of this one (a retried job whose first run still lives). */
class RunSuperseded extends Error {}

const PAGE_TRANSACTION = { maxWait: 10_000, timeout: 60_000 }

export async function runItemImport(
  db: CatalogDb,
  importId: string,
  options: ImportRunOptions,
): Promise<ItemImportView> {
  const claimed = await db.itemImport.updateMany({
    where: { id: importId, status: { in: ['PENDING', 'RUNNING'] } },
    data: { status: 'RUNNING' },
  })
  const record = await db.itemImport.findUniqueOrThrow({ where: { id: importId } })
  if (claimed.count === 0) return itemImportView(record)
  if (!record.startedAt)
    await db.itemImport.update({ where: { id: importId }, data: { startedAt: new Date() } })

  const stop = new AbortController()
  const signal = options.signal ? AbortSignal.any([options.signal, stop.signal]) : stop.signal
  const policy = options.fetchPolicy ?? DEFAULT_FETCH_POLICY
  // Rows are checked as soon as their page arrives, while an earlier page is being written.
  const fetchOne = (pageNo: number) =>
    fetchPage(record.sourceUrl, pageNo, record.pageSize, policy, signal).then((page) =>
      checkPage(pageNo, page),
    )
  try {
    let totalPages = record.totalPages
    let firstPage: CheckedPage | undefined
    if (totalPages === null) {
      firstPage = await fetchOne(1)
      totalPages = await recordTotals(db, record, firstPage.source)
    }
    let next = record.pagesDone + 1
    const inFlight = new Map<number, Promise<CheckedPage>>()
    const fill = () => {
      while (next <= totalPages && inFlight.size < options.concurrency) {
        const pageNo = next++
        const page = pageNo === 1 && firstPage ? Promise.resolve(firstPage) : fetchOne(pageNo)
        // Awaited in page order below; until then a failure must not count as unhandled.
        page.catch(() => {})
        inFlight.set(pageNo, page)
      }
    }
    for (let pageNo = record.pagesDone + 1; pageNo <= totalPages; pageNo++) {
      fill()
      const page = await inFlight.get(pageNo)!
      inFlight.delete(pageNo)
      fill()
      signal.throwIfAborted()
      const progress = await applyPage(db, importId, pageNo, page)
      options.onProgress?.(progress)
    }
    const done = await db.itemImport.update({
      where: { id: importId },
      data: { status: 'COMPLETED', finishedAt: new Date() },
    })
    return itemImportView(done)
  } catch (error) {
    if (error instanceof PageFetchFailed) return failItemImport(db, importId, error.message)
    if (error instanceof RunSuperseded)
      return itemImportView(await db.itemImport.findUniqueOrThrow({ where: { id: importId } }))
    throw error
  } finally {
    stop.abort()
  }
}

/** Marks an unfinished import FAILED with the reason; a finished one is left as it is. */
export async function failItemImport(
  db: CatalogDb,
  importId: string,
  reason: string,
): Promise<ItemImportView> {
  await db.itemImport.updateMany({
    where: { id: importId, status: { in: ['PENDING', 'RUNNING'] } },
    data: { status: 'FAILED', failureReason: reason, finishedAt: new Date() },
  })
  return itemImportView(await db.itemImport.findUniqueOrThrow({ where: { id: importId } }))
}

/** Page count from the first page; a source that serves fewer rows per page than asked is believed. */
async function recordTotals(db: CatalogDb, record: ItemImport, first: SourcePage): Promise<number> {
  const perPage = Math.min(record.pageSize, first.numOfRows ?? record.pageSize)
  const totalPages = Math.ceil(first.totalCount / perPage)
  await db.itemImport.update({
    where: { id: record.id },
    data: { totalRows: first.totalCount, totalPages },
  })
  return totalPages
}

interface CheckedPage {
  source: SourcePage
  /** Valid rows, one per source code (the page's last). */
  rows: ItemRow[]
  /** Valid rows dropped for a later row with the same code on this page. */
  dropped: number
  invalid: InvalidRow[]
}

function checkPage(pageNo: number, source: SourcePage): CheckedPage {
  const checks = source.rows.map(checkItemRow)
  const valid = checks.flatMap((check) => (check.ok ? [check.item] : []))
  const invalid = checks.flatMap((check, index): InvalidRow[] =>
    check.ok ? [] : [{ pageNo, index, sourceCode: check.sourceCode, reason: check.reason }],
  )
  return { source, ...lastRowPerCode(valid), invalid }
}

async function applyPage(
  db: CatalogDb,
  importId: string,
  pageNo: number,
  { source, rows, dropped, invalid }: CheckedPage,
): Promise<ItemImportView> {
  return db.$transaction(async (tx) => {
    const [state] = await tx.$queryRaw<{ status: string; pagesDone: number; invalidSample: InvalidRow[] }[]>`
      SELECT status::text, pages_done AS "pagesDone", invalid_sample AS "invalidSample"
        FROM item_imports WHERE id = ${importId}::uuid FOR UPDATE`
    if (state?.status !== 'RUNNING' || state.pagesDone !== pageNo - 1) throw new RunSuperseded()
    const counts = await upsertItems(tx, importId, rows)
    const sample =
      state.invalidSample.length < INVALID_SAMPLE_SIZE
        ? [...state.invalidSample, ...invalid].slice(0, INVALID_SAMPLE_SIZE)
        : state.invalidSample
    const updated = await tx.itemImport.update({
      where: { id: importId },
      data: {
        pagesDone: pageNo,
        rowsSeen: { increment: source.rows.length },
        rowsInserted: { increment: counts.inserted },
        rowsUpdated: { increment: counts.updated },
        rowsDuplicate: { increment: counts.duplicate + dropped },
        rowsInvalid: { increment: invalid.length },
        invalidSample: sample as object[],
      },
    })
    return itemImportView(updated)
  }, PAGE_TRANSACTION)
}
