// The user's saved point for nearby-party notifications.
import { z } from 'zod'
import { problemResponses } from '@deals/service-kit'
import { MAX_RADIUS_KM } from '../../domain/locations/user-locations.ts'

const locationSchema = z.object({
  lat: z.number(),
  lng: z.number(),
  radiusKm: z.number(),
  updatedAt: z.iso.datetime(),
})

export const getLocationSchema = {
  tags: ['location'],
  summary: 'My saved point for nearby-party notifications',
  response: { 200: locationSchema, ...problemResponses(401, 404) },
}

export const putLocationSchema = {
  tags: ['location'],
  summary: `Save my point: new parties within radiusKm (at most ${MAX_RADIUS_KM}) notify me`,
  body: z.strictObject({
    lat: z.number().min(-90).max(90),
    lng: z.number().min(-180).max(180),
    radiusKm: z.number().positive().max(MAX_RADIUS_KM),
  }),
  response: { 200: locationSchema, ...problemResponses(400, 401, 415) },
}

export const deleteLocationSchema = {
  tags: ['location'],
  summary: 'Forget my point: no more nearby-party notifications',
  response: { 204: z.null(), ...problemResponses(401) },
}
