// Great-circle distance on a sphere of the Earth's mean radius (IUGG, 6371.0088 km): the figure
// `distanceKm` reports. earthdistance's own sphere is larger (earth() = 6378.168 km), so the
// index search box is widened to the same angle before the exact distance filters it.
import { Prisma } from '../../generated/prisma/client.ts'

export const EARTH_MEAN_RADIUS_KM = 6371.0088

/** earthdistance search radius (its metres) covering `radiusKm` of great-circle distance here. */
export function earthBoxRadiusSql(radiusKm: number): Prisma.Sql {
  return Prisma.sql`(earth() * ${radiusKm}::float8 / ${EARTH_MEAN_RADIUS_KM}::float8)`
}

/** earthdistance's great-circle metres for a straight-line (chord) length in its metres, e.g. a KNN rank. */
export function chordToArcSql(chord: Prisma.Sql): Prisma.Sql {
  return Prisma.sql`(2 * earth() * asin(least(1, ${chord} / (2 * earth()))))`
}

export interface LatLng {
  lat: number
  lng: number
}

/** Haversine distance in km between the market row's `lat`/`lng` columns and `from`. */
export function distanceKmSql(from: LatLng): Prisma.Sql {
  return Prisma.sql`(2 * ${EARTH_MEAN_RADIUS_KM}::float8 * asin(least(1, sqrt(
    power(sin(radians(lat - ${from.lat}::float8) / 2), 2)
    + cos(radians(${from.lat}::float8)) * cos(radians(lat)) * power(sin(radians(lng - ${from.lng}::float8) / 2), 2)
  ))))`
}
