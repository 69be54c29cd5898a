// Distances on the earth for the nearby search. earthdistance works on a sphere of radius earth()
// (6378.168 km); distances are reported on the mean radius (IUGG, 6371.0088 km), so both the
// index box and the reported figure are scaled from the same central angle.
import { Prisma } from '../../generated/prisma/client.ts'

export const EARTH_MEAN_RADIUS_KM = 6371.0088

export interface LatLng {
  lat: number
  lng: number
}

/** The point as earthdistance sees it. */
export const earthPointSql = ({ lat, lng }: LatLng): Prisma.Sql =>
  Prisma.sql`ll_to_earth(${lat}::float8, ${lng}::float8)`

/** earthdistance's radius (its metres) that covers `radiusKm` of great-circle distance here. */
export const earthRadiusSql = (radiusKm: number): Prisma.Sql =>
  Prisma.sql`(earth() * ${radiusKm}::float8 / ${EARTH_MEAN_RADIUS_KM}::float8)`

/** Great-circle km on the mean radius between two earth points. */
export const distanceKmSql = (a: Prisma.Sql, b: Prisma.Sql): Prisma.Sql =>
  Prisma.sql`(earth_distance(${a}, ${b}) / earth() * ${EARTH_MEAN_RADIUS_KM}::float8)`
