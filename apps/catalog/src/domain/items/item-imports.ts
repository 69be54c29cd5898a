// Item imports as records: an admin (or the CLI) asks for one, and reads its progress. Running
// it is `runItemImport`; the service does that in a durable job scheduled with the request.
import { defineError } from '@deals/service-kit'
import type { CatalogDb, CatalogTx } from '../database.ts'
import { decodeIdCursor } from '../search/id-cursor.ts'
import { pageFrom, type Page, type PageRequest } from '../search/page.ts'
import { itemImportView, type ItemImportView } from './item-import-view.ts'

export const ItemImportNotFound = defineError('ITEM_IMPORT_NOT_FOUND', 404, 'No such item import')

export const MAX_IMPORT_PAGE_SIZE = 1000

export interface ItemImportRequest {
  sourceUrl: string
  pageSize: number
  requestedBy: string
}

/** Puts the run of a new import in motion inside the transaction that records it. */
export type ScheduleImport = (tx: CatalogTx, importId: string) => Promise<void>

export class ItemImports {
  constructor(private readonly db: CatalogDb) {}

  async request(input: ItemImportRequest, schedule?: ScheduleImport): Promise<ItemImportView> {
    return this.db.$transaction(async (tx) => {
      const record = await tx.itemImport.create({ data: input })
      await schedule?.(tx, record.id)
      return itemImportView(record)
    })
  }

  async get(id: string): Promise<ItemImportView> {
    const record = await this.db.itemImport.findUnique({ where: { id } })
    if (!record) throw ItemImportNotFound()
    return itemImportView(record)
  }

  /** Newest first (ids are UUIDv7, so id order is creation order). */
  async list(page: PageRequest): Promise<Page<ItemImportView>> {
    const before = page.cursor ? decodeIdCursor(page.cursor) : undefined
    const rows = await this.db.itemImport.findMany({
      where: before ? { id: { lt: before } } : {},
      orderBy: { id: 'desc' },
      take: page.limit + 1,
    })
    return pageFrom(rows, page.limit, itemImportView, (row) => ({ id: row.id }))
  }
}
