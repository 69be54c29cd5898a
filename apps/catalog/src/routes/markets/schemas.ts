// Markets: admins add and correct them; anyone (through the gateway) reads one or finds those nearby.
import { z } from 'zod'
import { pageOf, pageQueryShape, problemResponses } from '@deals/service-kit'
import { MAX_NEARBY_RADIUS_KM } from '../../domain/markets/market-directory.ts'

const latitude = z.coerce.number().min(-90).max(90).describe('Degrees, WGS84')
const longitude = z.coerce.number().min(-180).max(180).describe('Degrees, WGS84')

const marketSchema = z.object({
  id: z.uuid(),
  name: z.string(),
  address: z.string(),
  lat: z.number(),
  lng: z.number(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
})

const nearbyMarketSchema = marketSchema.extend({
  distanceKm: z.number().describe('Great-circle distance on a sphere of radius 6371.0088 km'),
})

const marketFields = {
  name: z.string().trim().min(1).max(100),
  address: z.string().trim().min(1).max(300),
  lat: z.number().min(-90).max(90),
  lng: z.number().min(-180).max(180),
}

const idParams = z.object({ id: z.uuid() })

export const createMarketSchema = {
  tags: ['markets'],
  summary: 'Add a market (ADMIN); publishes market.created.v1',
  body: z.strictObject(marketFields),
  response: { 201: marketSchema, ...problemResponses(400, 401, 403, 413, 415) },
}

export const updateMarketSchema = {
  tags: ['markets'],
  summary: 'Correct a market (ADMIN); publishes market.updated.v1',
  params: idParams,
  body: z.strictObject({
    name: marketFields.name.optional(),
    address: marketFields.address.optional(),
    lat: marketFields.lat.optional(),
    lng: marketFields.lng.optional(),
  }),
  response: { 200: marketSchema, ...problemResponses(400, 401, 403, 404, 413, 415) },
}

export const getMarketSchema = {
  tags: ['markets'],
  summary: 'One market',
  params: idParams,
  response: { 200: marketSchema, ...problemResponses(400, 401, 404) },
}

export const nearbyMarketsSchema = {
  tags: ['markets'],
  summary: 'Markets within a radius of a point, nearest first',
  description:
    'Paged by an opaque cursor over (distance, id); `radiusKm` is at most 50. Every page is ordered nearest first.',
  querystring: z.object({
    lat: latitude,
    lng: longitude,
    radiusKm: z.coerce.number().positive().max(MAX_NEARBY_RADIUS_KM).default(5),
    ...pageQueryShape,
  }),
  response: { 200: pageOf(nearbyMarketSchema), ...problemResponses(400, 401) },
}
