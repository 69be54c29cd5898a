// Users' saved points for nearby-party notifications: a point and a radius each. A party's
// neighbours are found through the GiST index on each point (an earth box of the largest radius
// allowed), then each user's own radius is applied.
import { defineError } from '@deals/service-kit'
import { Prisma } from '../../generated/prisma/client.ts'
import type { NotificationDb, NotificationTx } from '../database.ts'

export const LocationNotSet = defineError('LOCATION_NOT_SET', 404, 'No point is saved')

/** Larger radii would turn every party into a notification for a whole region. */
export const MAX_RADIUS_KM = 50

export interface SavedLocation {
  lat: number
  lng: number
  radiusKm: number
}

export interface LocationView extends SavedLocation {
  updatedAt: string
}

export class UserLocations {
  constructor(private readonly db: NotificationDb) {}

  async get(userId: string): Promise<LocationView> {
    const saved = await this.db.userLocation.findUnique({ where: { userId } })
    if (!saved) throw LocationNotSet()
    return view(saved)
  }

  async save(userId: string, location: SavedLocation): Promise<LocationView> {
    const saved = await this.db.userLocation.upsert({
      where: { userId },
      create: { userId, ...location },
      update: location,
    })
    return view(saved)
  }

  /** Forgets the user's point; true when there was one. */
  async remove(userId: string): Promise<boolean> {
    const { count } = await this.db.userLocation.deleteMany({ where: { userId } })
    return count > 0
  }
}

/** Users whose saved radius reaches the point. */
export async function usersNear(tx: NotificationTx, point: { lat: number; lng: number }): Promise<string[]> {
  const rows = await tx.$queryRaw<{ user_id: string }[]>(Prisma.sql`
    SELECT user_id::text FROM user_locations
    WHERE earth_box(ll_to_earth(${point.lat}, ${point.lng}), ${MAX_RADIUS_KM * 1000}) @> ll_to_earth(lat, lng)
      AND earth_distance(ll_to_earth(${point.lat}, ${point.lng}), ll_to_earth(lat, lng)) <= radius_km * 1000`)
  return rows.map((r) => r.user_id)
}

const view = (l: { lat: number; lng: number; radiusKm: number; updatedAt: Date }): LocationView => ({
  lat: l.lat,
  lng: l.lng,
  radiusKm: l.radiusKm,
  updatedAt: l.updatedAt.toISOString(),
})
