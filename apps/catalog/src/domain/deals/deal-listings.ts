// What buyers (and anonymous visitors) see of deals: announced, open, and those ended today, in
// a Seoul-time window, by category (with its sub-categories) and by a substring of the product
// name. Hidden and suspended deals exist only for their seller and admins.
import { decodeCursor } from '@deals/service-kit'
import { z } from 'zod'
import type { Deal, Prisma } from '../../generated/prisma/client.ts'
import type { CatalogDb } from '../database.ts'
import { escapeLike } from '../search/contains-pattern.ts'
import { pageFrom, type Page, type PageRequest } from '../search/page.ts'
import type { DealActor } from './deal-book.ts'
import { DealNotFound } from './deal-errors.ts'
import { dealView, type DealView } from './deal-view.ts'
import { seoulDayStart, seoulThisWeek, seoulToday } from './seoul-calendar.ts'

export const DEAL_WINDOWS = ['today', 'week'] as const
export const LISTED_STATUSES = ['SCHEDULED', 'OPEN', 'ENDED'] as const
export const DEAL_SORTS = ['startsAt', 'endsAt', 'price'] as const

export interface DealListQuery extends PageRequest {
  window?: (typeof DEAL_WINDOWS)[number] | undefined
  /** A category id or slug; its sub-categories are included. */
  category?: string | undefined
  status?: (typeof LISTED_STATUSES)[number] | undefined
  /** A substring of the product name. */
  q?: string | undefined
  sort?: (typeof DEAL_SORTS)[number] | undefined
}

type Sort = (typeof DEAL_SORTS)[number]

interface SortOrder {
  orderBy: Prisma.DealOrderByWithRelationInput[]
  position(deal: Deal): { v: string | number; id: string }
  after(v: string | number, id: string): Prisma.DealWhereInput
  value: z.ZodType<string | number>
}

const byTime = (field: 'startsAt' | 'endsAt'): SortOrder => ({
  orderBy: [{ [field]: 'asc' }, { id: 'asc' }],
  position: (deal) => ({ v: deal[field].toISOString(), id: deal.id }),
  after: (v, id) => ({
    OR: [{ [field]: { gt: new Date(v) } }, { [field]: new Date(v), id: { gt: id } }],
  }),
  value: z.iso.datetime(),
})

const SORTS: Record<Sort, SortOrder> = {
  startsAt: byTime('startsAt'),
  endsAt: byTime('endsAt'),
  price: {
    orderBy: [{ dealPrice: 'asc' }, { id: 'asc' }],
    position: (deal) => ({ v: deal.dealPrice, id: deal.id }),
    after: (v, id) => ({ OR: [{ dealPrice: { gt: Number(v) } }, { dealPrice: Number(v), id: { gt: id } }] }),
    value: z.number().int(),
  },
}

export class DealListings {
  constructor(
    private readonly db: CatalogDb,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  async list(query: DealListQuery): Promise<Page<DealView>> {
    const now = this.clock()
    const sortName = query.sort ?? 'startsAt'
    const sort = SORTS[sortName]
    const filters: Prisma.DealWhereInput[] = [listedAt(now, query.status)]
    if (query.window) {
      const window = query.window === 'today' ? seoulToday(now) : seoulThisWeek(now)
      filters.push({ startsAt: { lt: window.to }, endsAt: { gt: window.from } })
    }
    if (query.category) filters.push({ categoryId: { in: await this.categoryTree(query.category) } })
    // Prisma passes `contains` to LIKE as is: the user's % and _ must be taken literally.
    if (query.q) filters.push({ productName: { contains: escapeLike(query.q), mode: 'insensitive' } })
    if (query.cursor) {
      const after = decodeCursor(query.cursor, { s: z.literal(sortName), v: sort.value, id: z.uuid() })
      filters.push(sort.after(after.v, after.id))
    }
    const rows = await this.db.deal.findMany({
      where: { AND: filters },
      orderBy: sort.orderBy,
      take: query.limit + 1,
    })
    return pageFrom(
      rows,
      query.limit,
      (row) => dealView(row, now),
      (row) => ({ s: sortName, ...sort.position(row) }),
    )
  }

  /** A deal buyers may see; hidden and suspended ones only to their seller or an admin. */
  async get(dealId: string, viewer?: DealActor): Promise<DealView> {
    const deal = await this.db.deal.findUnique({ where: { id: dealId } })
    if (!deal) throw DealNotFound()
    const privileged = viewer?.isAdmin === true || (!!viewer?.sellerId && viewer.sellerId === deal.sellerId)
    if (!privileged && (deal.status === 'HIDDEN' || deal.status === 'SUSPENDED')) throw DealNotFound()
    return dealView(deal, this.clock())
  }

  /** Ids of the category named by id or slug and of every category below it. */
  private async categoryTree(category: string): Promise<string[]> {
    const rows = await this.db.$queryRaw<{ id: string }[]>`
      WITH RECURSIVE tree AS (
        SELECT id FROM categories WHERE id::text = ${category} OR slug = ${category}
        UNION
        SELECT c.id FROM categories c JOIN tree t ON c.parent_id = t.id
      )
      SELECT id::text AS id FROM tree`
    return rows.map((row) => row.id)
  }
}

/** Announced or open deals, and deals that ended today (Seoul time); optionally one of those. */
function listedAt(now: Date, status: DealListQuery['status']): Prisma.DealWhereInput {
  const endedToday: Prisma.DealWhereInput = { status: 'ENDED', endsAt: { gte: seoulDayStart(now) } }
  if (status === 'ENDED') return endedToday
  if (status) return { status }
  return { OR: [{ status: { in: ['SCHEDULED', 'OPEN'] } }, endedToday] }
}
