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
import { chordToArcSql, distanceKmSql, earthBoxRadiusSql, type LatLng } from './great-circle.ts'

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
   * Markets within `radiusKm` of the point, nearest first (ties by id), in two steps. First the
   * GiST index on `ll_to_earth(lat, lng)` walks the radius's box nearest first (KNN) for the
   * `limit + 1` nearest, which gives the page's farthest rank; then the rows up to that rank,
   * ties included, are read from a box that small and sorted by (rank, id). One step would not
   * do: ordered by (rank, id) the planner leaves the KNN walk for a sort of every market in the
   * radius (0.4 s for 50 km of Seoul at 100,000 markets), and ordered by rank alone equal ranks
   * could straddle a page. The cursor is the last row's (rank, id).
   */
  async nearby(query: NearbyQuery): Promise<Page<NearbyMarket>> {
    const radiusKm = Math.min(query.radiusKm, MAX_NEARBY_RADIUS_KM)
    const after = query.cursor ? decodeCursor(query.cursor, nearbyCursorShape) : undefined
    const origin = Prisma.sql`ll_to_earth(${query.lat}::float8, ${query.lng}::float8)`
    const rank = Prisma.sql`(ll_to_earth(lat, lng) <-> ${origin})`
    const distance = distanceKmSql(query)
    const inRadius = Prisma.sql`${distance} <= ${radiusKm}::float8
      ${after ? Prisma.sql`AND (${rank}, id) > (${after.rank}::float8, ${after.id}::uuid)` : Prisma.empty}`
    const rows = await this.db.$queryRaw<NearbyRow[]>`
      WITH nearest AS MATERIALIZED (
        SELECT ${rank} AS rank
          FROM markets
         WHERE earth_box(${origin}, ${earthBoxRadiusSql(radiusKm)}) @> ll_to_earth(lat, lng) AND ${inRadius}
         ORDER BY ${rank}
         -- A limit the planner cannot see: it then trusts the KNN walk to stop early.
         LIMIT (SELECT ${query.limit + 1}::int)
      ), edge AS (
        SELECT max(rank) AS rank FROM nearest HAVING count(*) > 0
      )
      SELECT id, name, address, lat, lng, created_at AS "createdAt", updated_at AS "updatedAt",
             ${distance} AS "distanceKm", ${rank} AS rank
        FROM edge, markets
       WHERE earth_box(${origin}, ${chordToArcSql(Prisma.sql`edge.rank`)} + 1) @> ll_to_earth(lat, lng)
         AND ${rank} <= edge.rank AND ${inRadius}
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
