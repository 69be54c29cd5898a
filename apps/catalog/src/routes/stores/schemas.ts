// Stores: open, find, read, change; follow and unfollow.
import { z } from 'zod'
import { pageOf, pageQueryShape, problemResponses } from '@deals/service-kit'
import { multiLine, searchText, singleLine } from '../text-fields.ts'

export const storeSchema = z.object({
  id: z.uuid(),
  sellerId: z.uuid(),
  name: z.string(),
  description: z.string(),
  isDefault: z.boolean().describe("The seller's first store; products listed without a store go here"),
  followerCount: z.number().int(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
})

const storeId = z.object({ id: z.uuid() })
const storeName = singleLine(100)
const storeDescription = multiLine(2000)

export const createStoreSchema = {
  tags: ['stores'],
  summary: "Open a store (SELLER); the seller's first store becomes its default store",
  body: z.strictObject({ name: storeName, description: storeDescription.optional() }),
  response: { 201: storeSchema, ...problemResponses(400, 401, 403, 413, 415) },
}

export const listStoresSchema = {
  tags: ['stores'],
  summary: 'Stores, newest first; `q` finds a part of the name (Korean too)',
  querystring: z.object({ q: searchText, ...pageQueryShape }),
  response: { 200: pageOf(storeSchema), ...problemResponses(400, 401) },
}

export const getStoreSchema = {
  tags: ['stores'],
  summary: 'One store',
  params: storeId,
  response: { 200: storeSchema, ...problemResponses(400, 401, 404) },
}

export const updateStoreSchema = {
  tags: ['stores'],
  summary: "Rename or describe one of my stores (SELLER); another seller's store is 404",
  params: storeId,
  body: z
    .strictObject({ name: storeName.optional(), description: storeDescription.optional() })
    .refine((patch) => Object.keys(patch).length > 0, 'name or description is required'),
  response: { 200: storeSchema, ...problemResponses(400, 401, 403, 404, 413, 415) },
}

const followStateSchema = z.object({
  storeId: z.uuid(),
  following: z.boolean(),
  followerCount: z.number().int(),
})

export const followStoreSchema = {
  tags: ['stores'],
  summary: 'Follow a store (BUYER); following again changes nothing',
  params: storeId,
  response: { 200: followStateSchema, ...problemResponses(400, 401, 403, 404) },
}

export const unfollowStoreSchema = {
  tags: ['stores'],
  summary: 'Stop following a store (BUYER); unfollowing a store not followed changes nothing',
  params: storeId,
  response: { 200: followStateSchema, ...problemResponses(400, 401, 403, 404) },
}
