// The item master as the party service reads it: search by a piece of the name (Korean or not,
// case-insensitive), optionally within a category, in name order; or one item by id.
import { z } from 'zod'
import { decodeCursor, defineError } from '@deals/service-kit'
import { Prisma, type Item } from '../../generated/prisma/client.ts'
import type { CatalogDb } from '../database.ts'
import { containsPattern } from '../search/contains-pattern.ts'
import { pageFrom, type Page, type PageRequest } from '../search/page.ts'

export const ItemNotFound = defineError('ITEM_NOT_FOUND', 404, 'No such item')

export interface ItemView {
  id: string
  sourceCode: string
  name: string
  category: string | null
  unit: string | null
  price: number | null
  updatedAt: string
}

export interface ItemSearch extends PageRequest {
  q?: string | undefined
  category?: string | undefined
}

type ItemRecord = Pick<Item, 'id' | 'sourceCode' | 'name' | 'category' | 'unit' | 'price' | 'updatedAt'>

const view = (item: ItemRecord): ItemView => ({
  id: item.id,
  sourceCode: item.sourceCode,
  name: item.name,
  category: item.category,
  unit: item.unit,
  price: item.price,
  updatedAt: item.updatedAt.toISOString(),
})

const cursorShape = { name: z.string(), id: z.uuid() }

export class ItemMaster {
  constructor(private readonly db: CatalogDb) {}

  async search(query: ItemSearch): Promise<Page<ItemView>> {
    const after = query.cursor ? decodeCursor(query.cursor, cursorShape) : undefined
    const conditions = [
      query.q ? Prisma.sql`name ILIKE ${containsPattern(query.q)}` : undefined,
      query.category ? Prisma.sql`category = ${query.category}` : undefined,
      after ? Prisma.sql`(name, id) > (${after.name}, ${after.id}::uuid)` : undefined,
    ].filter((condition) => condition !== undefined)
    const rows = await this.db.$queryRaw<ItemRecord[]>`
      SELECT id, source_code AS "sourceCode", name, category, unit, price, updated_at AS "updatedAt"
        FROM items
       ${conditions.length ? Prisma.sql`WHERE ${Prisma.join(conditions, ' AND ')}` : Prisma.empty}
       ORDER BY name, id
       LIMIT ${query.limit + 1}`
    return pageFrom(rows, query.limit, view, (row) => ({ name: row.name, id: row.id }))
  }

  async get(id: string): Promise<ItemView> {
    const item = await this.db.item.findUnique({ where: { id } })
    if (!item) throw ItemNotFound()
    return view(item)
  }
}
