// Open parties near a point, nearest first. The markets' GiST earth index narrows the search to
// the radius's box; parties are joined to the markets found, and paged by (distance, party id).
import { z } from 'zod'
import { decodeCursor, encodeCursor } from '@deals/service-kit'
import { Prisma } from '../../generated/prisma/client.ts'
import type { PartyDb } from '../database.ts'
import { distanceKmSql, earthPointSql, earthRadiusSql, type LatLng } from '../markets/great-circle.ts'
import type { Page } from './party-book.ts'
import { partyView, type PartyView } from './party-view.ts'

/** Larger radii would turn a neighbourhood search into a scan of a region. */
export const MAX_NEARBY_RADIUS_KM = 50

export interface NearbyQuery extends LatLng {
  radiusKm: number
  limit: number
  cursor?: string | undefined
}

export interface NearbyParty extends PartyView {
  distanceKm: number
}

const cursorShape = { distanceKm: z.number().nonnegative(), id: z.uuid() }

export class NearbyParties {
  constructor(private readonly db: PartyDb) {}

  async find(query: NearbyQuery, now = new Date()): Promise<Page<NearbyParty>> {
    const radiusKm = Math.min(query.radiusKm, MAX_NEARBY_RADIUS_KM)
    const after = query.cursor ? decodeCursor(query.cursor, cursorShape) : undefined
    const origin = earthPointSql(query)
    const distance = distanceKmSql(Prisma.sql`ll_to_earth(m.lat, m.lng)`, origin)
    const found = await this.db.$queryRaw<{ id: string; distanceKm: number }[]>`
      SELECT p.id, ${distance} AS "distanceKm"
        FROM markets m
        JOIN parties p ON p.market_id = m.id AND p.status = 'OPEN' AND p.deadline > ${now}
       WHERE earth_box(${origin}, ${earthRadiusSql(radiusKm)}) @> ll_to_earth(m.lat, m.lng)
         AND ${distance} <= ${radiusKm}::float8
         ${after ? Prisma.sql`AND (${distance}, p.id) > (${after.distanceKm}::float8, ${after.id}::uuid)` : Prisma.empty}
       ORDER BY 2, p.id
       LIMIT ${query.limit + 1}`
    const shown = found.slice(0, query.limit)
    const parties = await this.db.party.findMany({
      where: { id: { in: shown.map((row) => row.id) } },
      include: { market: true },
    })
    const byId = new Map(parties.map((party) => [party.id, party]))
    const last = shown.at(-1)
    return {
      items: shown.flatMap((row) => {
        const party = byId.get(row.id)
        return party ? [{ ...partyView(party), distanceKm: row.distanceKm }] : []
      }),
      nextCursor:
        found.length > query.limit && last
          ? encodeCursor({ distanceKm: last.distanceKm, id: last.id })
          : null,
    }
  }
}
