// Sellers' stores: open one (the first becomes the default store), find stores by a part of their
// name, read one, and let its seller rename or describe it.
import { Prisma } from '../../generated/prisma/client.ts'
import type { CatalogDb } from '../database.ts'
import { containsPattern } from '../search/contains-pattern.ts'
import { decodeIdCursor } from '../search/id-cursor.ts'
import { inOrderOf } from '../search/in-order.ts'
import { pageFrom, type Page, type PageRequest } from '../search/page.ts'
import { lockSellerStores } from './default-store.ts'
import { StoreNotFound } from './store-errors.ts'
import { storeView, type StoreView } from './store-view.ts'

export interface NewStore {
  name: string
  description?: string | undefined
}

export type StorePatch = Partial<NewStore>

export interface StoreQuery extends PageRequest {
  /** A part of the store's name, matched case-insensitively. */
  q?: string | undefined
}

export class Stores {
  constructor(private readonly db: CatalogDb) {}

  async create(sellerId: string, input: NewStore): Promise<StoreView> {
    return this.db.$transaction(async (tx) => {
      await lockSellerStores(tx, sellerId)
      const hasDefault = await tx.store.findFirst({
        where: { sellerId, isDefault: true },
        select: { id: true },
      })
      const row = await tx.store.create({
        data: {
          sellerId,
          name: input.name,
          description: input.description ?? '',
          isDefault: hasDefault ? null : true,
        },
      })
      return storeView(row)
    })
  }

  /** Newest first; with `q`, only stores whose name contains it. */
  async list(query: StoreQuery): Promise<Page<StoreView>> {
    const after = query.cursor ? decodeIdCursor(query.cursor) : undefined
    const conditions = [
      ...(query.q ? [Prisma.sql`name ILIKE ${containsPattern(query.q)}`] : []),
      ...(after ? [Prisma.sql`id < ${after}::uuid`] : []),
    ]
    const where = conditions.length ? Prisma.sql`WHERE ${Prisma.join(conditions, ' AND ')}` : Prisma.empty
    const ids = await this.db.$queryRaw<{ id: string }[]>`
      SELECT id::text FROM stores ${where} ORDER BY id DESC LIMIT ${query.limit + 1}`
    const rows = await this.db.store.findMany({ where: { id: { in: ids.map((r) => r.id) } } })
    const ordered = inOrderOf(
      ids.map((r) => r.id),
      rows,
    )
    return pageFrom(ordered, query.limit, storeView, (row) => ({ id: row.id }))
  }

  async get(id: string): Promise<StoreView> {
    const row = await this.db.store.findUnique({ where: { id } })
    if (!row) throw StoreNotFound()
    return storeView(row)
  }

  /** Only the store's seller may change it; to anyone else the store does not exist. */
  async update(sellerId: string, id: string, patch: StorePatch): Promise<StoreView> {
    return this.db.$transaction(async (tx) => {
      const current = await tx.store.findFirst({ where: { id, sellerId }, select: { id: true } })
      if (!current) throw StoreNotFound()
      const row = await tx.store.update({
        where: { id },
        data: {
          ...(patch.name === undefined ? {} : { name: patch.name }),
          ...(patch.description === undefined ? {} : { description: patch.description }),
        },
      })
      return storeView(row)
    })
  }
}
