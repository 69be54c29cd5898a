// Finds listed products by a part of their name (Korean included: ILIKE over the trigram-indexed
// name), category (with its subcategories) and store, in one of five orders, a page at a time.
// Every order ends with the id, so the keyset is total: no row is shown twice or skipped.
import { z } from 'zod'
import { decodeCursor, InvalidCursor } from '@deals/service-kit'
import { Prisma } from '../../generated/prisma/client.ts'
import type { CatalogDb } from '../database.ts'
import { productView, type ProductView } from '../products/product-view.ts'
import { containsPattern, prefixPattern } from './contains-pattern.ts'
import { inOrderOf } from './in-order.ts'
import { pageFrom, type Page, type PageRequest } from './page.ts'

export const PRODUCT_SORTS = ['relevance', 'newest', 'price_asc', 'price_desc', 'popular'] as const
export type ProductSort = (typeof PRODUCT_SORTS)[number]

export interface ProductQuery extends PageRequest {
  q?: string | undefined
  /** A category id or slug; its subcategories' products are included. */
  category?: string | undefined
  storeId?: string | undefined
  /** `relevance` when `q` is given, `newest` otherwise; `relevance` without `q` is `newest`. */
  sort?: ProductSort | undefined
}

const UUID = z.uuid()
const int32 = z.number().int().min(0).max(2_147_483_647)
const cursorShape = { s: z.enum(PRODUCT_SORTS), id: z.uuid(), v: int32.optional(), l: int32.optional() }

interface SortKey {
  /** Sort expressions before the id (integers, at most two: cursor fields `v` and `l`). */
  keys: Prisma.Sql[]
  /** One direction for all keys and the id, so the keyset is a single row comparison. */
  direction: 'ASC' | 'DESC'
}

const KEY_FIELDS = ['v', 'l'] as const

interface KeyRow {
  id: string
  v?: number
  l?: number
}

export class ProductSearch {
  constructor(private readonly db: CatalogDb) {}

  async search(query: ProductQuery): Promise<Page<ProductView>> {
    const q = query.q?.trim() || undefined
    const sort: ProductSort =
      query.sort === 'relevance' || !query.sort ? (q ? 'relevance' : 'newest') : query.sort
    const key = sortKey(sort, q)
    const columns = [...key.keys, Prisma.sql`p.id`]
    const after = query.cursor ? cursorValues(query.cursor, sort, key) : undefined

    const conditions = [Prisma.sql`p.status = 'ACTIVE'`]
    if (q) conditions.push(Prisma.sql`p.name ILIKE ${containsPattern(q)}`)
    if (query.storeId) conditions.push(Prisma.sql`p.store_id = ${query.storeId}::uuid`)
    if (query.category) conditions.push(inCategory(query.category))
    if (after) {
      const op = key.direction === 'ASC' ? Prisma.sql`>` : Prisma.sql`<`
      conditions.push(Prisma.sql`(${Prisma.join(columns)}) ${op} (${Prisma.join(after)})`)
    }
    const order = Prisma.join(
      columns.map((c) => Prisma.sql`${c} ${Prisma.raw(key.direction)}`),
      ', ',
    )
    const selected = key.keys.map((k, i) => Prisma.sql`, ${k}::int AS ${Prisma.raw(KEY_FIELDS[i]!)}`)
    const keys = await this.db.$queryRaw<KeyRow[]>`
      SELECT p.id::text AS id ${selected.length ? Prisma.join(selected, ' ', '', '') : Prisma.empty}
      FROM products p
      WHERE ${Prisma.join(conditions, ' AND ')}
      ORDER BY ${order}
      LIMIT ${query.limit + 1}`

    const rows = await this.db.product.findMany({ where: { id: { in: keys.map((k) => k.id) } } })
    const byId = new Map(keys.map((k) => [k.id, k]))
    return pageFrom(
      inOrderOf(
        keys.map((k) => k.id),
        rows,
      ),
      query.limit,
      productView,
      (row) => {
        const k = byId.get(row.id)!
        return {
          s: sort,
          id: row.id,
          ...(k.v === undefined ? {} : { v: k.v }),
          ...(k.l === undefined ? {} : { l: k.l }),
        }
      },
    )
  }
}

function sortKey(sort: ProductSort, q: string | undefined): SortKey {
  switch (sort) {
    case 'relevance': {
      // The exact name first, then names starting with the text, then any other match; shorter names first.
      const rank = Prisma.sql`(CASE WHEN lower(p.name) = lower(${q ?? ''}) THEN 0
        WHEN p.name ILIKE ${prefixPattern(q ?? '')} THEN 1 ELSE 2 END)`
      return { keys: [rank, Prisma.sql`char_length(p.name)`], direction: 'ASC' }
    }
    case 'price_asc':
      return { keys: [Prisma.sql`p.price`], direction: 'ASC' }
    case 'price_desc':
      return { keys: [Prisma.sql`p.price`], direction: 'DESC' }
    case 'popular':
      return { keys: [Prisma.sql`p.like_count`], direction: 'DESC' }
    case 'newest':
      return { keys: [], direction: 'DESC' }
  }
}

/** The cursor's values in the order of the sort's columns; a cursor of another sort is refused. */
function cursorValues(cursor: string, sort: ProductSort, key: SortKey): Prisma.Sql[] {
  const position = decodeCursor(cursor, cursorShape)
  if (position.s !== sort) throw InvalidCursor('The cursor belongs to another sort order')
  const values = key.keys.map((_, i) => position[KEY_FIELDS[i]!])
  if (values.some((value) => value === undefined)) throw InvalidCursor()
  return [...values.map((value) => Prisma.sql`${value}::int`), Prisma.sql`${position.id}::uuid`]
}

/** Products of the category (by id or slug) or of any category below it. */
function inCategory(category: string): Prisma.Sql {
  const root = UUID.safeParse(category).success
    ? Prisma.sql`id = ${category}::uuid`
    : Prisma.sql`slug = ${category}`
  return Prisma.sql`p.category_id IN (
    WITH RECURSIVE tree AS (
      SELECT id FROM categories WHERE ${root}
      UNION
      SELECT c.id FROM categories c JOIN tree t ON c.parent_id = t.id
    )
    SELECT id FROM tree)`
}
