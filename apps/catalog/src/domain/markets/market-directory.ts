// Offline markets where group-buy parties meet: admins add and correct them, anyone finds the
// ones near a point. Every change publishes the market's snapshot through the outbox, since the
// party service keeps its own copy.
import { z } from 'zod'
import { decodeCursor, defineError } from '@deals/service-kit'
import { marketCreatedV1, marketUpdatedV1, type MarketSnapshot } from '@deals/contracts'
import { enqueue } from '@deals/messaging'
import { Prisma, type Market } from '../../generated/prisma/client.ts'
import type { CatalogDb, CatalogTx } from '../database.ts'
import { pageFrom, type Page } from '../search/page.ts'
import { distanceKmSql, earthBoxRadiusSql, type LatLng } from './great-circle.ts'

export const MarketNotFound = defineError('MARKET_NOT_FOUND', 404, 'No such market')
export const NothingToChange = defineError('NOTHING_TO_CHANGE', 400, 'Give at least one field to change')

/** Larger radii would turn a neighbourhood search into a scan of a whole region. */
export const MAX_NEARBY_RADIUS_KM = 50

export interface MarketInput extends LatLng {
  name: string
  address: string
}

export interface MarketView extends MarketInput {
  id: string
  createdAt: string
  updatedAt: string
}

export interface NearbyMarket extends MarketView {
  distanceKm: number
}

export interface NearbyQuery extends LatLng {
  radiusKm: number
  limit: number
  cursor?: string | undefined
}

interface NearbyRow extends Market {
  distanceKm: number
  /** The index's ordering key (chord length on earthdistance's sphere); the cursor keeps it exactly. */
  rank: number
}

const view = (market: Market): MarketView => ({
  id: market.id,
  name: market.name,
  address: market.address,
  lat: market.lat,
  lng: market.lng,
  createdAt: market.createdAt.toISOString(),
  updatedAt: market.updatedAt.toISOString(),
})

const snapshot = (market: Market): MarketSnapshot => ({
  marketId: market.id,
  name: market.name,
  address: market.address,
  lat: market.lat,
  lng: market.lng,
})

type MarketEvent = typeof marketCreatedV1 | typeof marketUpdatedV1

async function publish(tx: CatalogTx, event: MarketEvent, market: Market): Promise<void> {
  await enqueue(tx, { name: event.name, payload: event.payload.parse(snapshot(market)) })
}

const nearbyCursorShape = { rank: z.number().nonnegative(), id: z.uuid() }

export class MarketDirectory {
  constructor(private readonly db: CatalogDb) {}

  async create(input: MarketInput): Promise<MarketView> {
    return this.db.$transaction(async (tx) => {
      const market = await tx.market.create({ data: input })
      await publish(tx, marketCreatedV1, market)
      return view(market)
    })
  }

  async update(id: string, changes: Partial<MarketInput>): Promise<MarketView> {
    if (Object.values(changes).every((value) => value === undefined)) throw NothingToChange()
    return this.db.$transaction(async (tx) => {
      // Locked so that concurrent edits publish their snapshots in the order they commit.
      const found = await tx.$queryRaw<
        { id: string }[]
      >`SELECT id FROM markets WHERE id = ${id}::uuid FOR UPDATE`
      if (found.length === 0) throw MarketNotFound()
      const market = await tx.market.update({ where: { id }, data: changes })
      await publish(tx, marketUpdatedV1, market)
      return view(market)
    })
  }

  async get(id: string): Promise<MarketView> {
    const market = await this.db.market.findUnique({ where: { id } })
    if (!market) throw MarketNotFound()
    return view(market)
  }

  /**
   * Markets within `radiusKm` of the point, nearest first (ties by id). The GiST index on
   * `ll_to_earth(lat, lng)` both narrows to the radius's box and walks it in distance order, so a
   * page costs about `limit` rows however many markets there are; the cursor is the last row's
   * (rank, id), so later pages re-walk the nearer rows inside the radius only.
   */
  async nearby(query: NearbyQuery): Promise<Page<NearbyMarket>> {
    const radiusKm = Math.min(query.radiusKm, MAX_NEARBY_RADIUS_KM)
    const after = query.cursor ? decodeCursor(query.cursor, nearbyCursorShape) : undefined
    const origin = Prisma.sql`ll_to_earth(${query.lat}::float8, ${query.lng}::float8)`
    const rank = Prisma.sql`(ll_to_earth(lat, lng) <-> ${origin})`
    const distance = distanceKmSql(query)
    const rows = await this.db.$queryRaw<NearbyRow[]>`
      SELECT id, name, address, lat, lng, created_at AS "createdAt", updated_at AS "updatedAt",
             ${distance} AS "distanceKm", ${rank} AS rank
        FROM markets
       WHERE earth_box(${origin}, ${earthBoxRadiusSql(radiusKm)}) @> ll_to_earth(lat, lng)
         AND ${distance} <= ${radiusKm}::float8
         ${after ? Prisma.sql`AND (${rank}, id) > (${after.rank}::float8, ${after.id}::uuid)` : Prisma.empty}
       ORDER BY ${rank}, id
       LIMIT ${query.limit + 1}`
    return pageFrom(
      rows,
      query.limit,
      (row) => ({ ...view(row), distanceKm: row.distanceKm }),
      (row) => ({ rank: row.rank, id: row.id }),
    )
  }
}
