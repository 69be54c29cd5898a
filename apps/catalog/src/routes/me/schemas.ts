// The caller's own lists: wishlist (liked products), followed stores, keyword alerts.
import { z } from 'zod'
import { pageOf, pageQueryShape, problemResponses } from '@deals/service-kit'
import { MAX_KEYWORD_ALERTS } from '../../domain/keyword-alerts/keyword-alerts.ts'
import { productSchema } from '../products/schemas.ts'
import { storeSchema } from '../stores/schemas.ts'
import { singleLine } from '../text-fields.ts'

export const wishlistSchema = {
  tags: ['likes'],
  summary: 'Products I like, most recently liked first; deleted products are left out',
  querystring: z.object(pageQueryShape),
  response: {
    200: pageOf(productSchema.extend({ likedAt: z.iso.datetime() })),
    ...problemResponses(400, 401),
  },
}

export const followingSchema = {
  tags: ['stores'],
  summary: 'Stores I follow, most recently followed first',
  querystring: z.object(pageQueryShape),
  response: {
    200: pageOf(storeSchema.extend({ followedAt: z.iso.datetime() })),
    ...problemResponses(400, 401),
  },
}

const keywordAlertSchema = z.object({
  id: z.uuid(),
  keyword: z.string(),
  normalized: z.string().describe('Trimmed, lower-cased, whitespace runs as one space: what is matched'),
  createdAt: z.iso.datetime(),
})

export const listKeywordAlertsSchema = {
  tags: ['keyword-alerts'],
  summary: 'My keyword alerts, newest first',
  response: { 200: z.object({ items: z.array(keywordAlertSchema) }), ...problemResponses(400, 401) },
}

export const createKeywordAlertSchema = {
  tags: ['keyword-alerts'],
  summary: `Add a keyword alert (1-40 characters, at most ${MAX_KEYWORD_ALERTS}); a keyword I already have answers 200 with it`,
  body: z.strictObject({ keyword: singleLine(40) }),
  response: {
    201: keywordAlertSchema,
    200: keywordAlertSchema,
    ...problemResponses(400, 401, 409, 413, 415),
  },
}

export const deleteKeywordAlertSchema = {
  tags: ['keyword-alerts'],
  summary: 'Remove one of my keyword alerts',
  params: z.object({ id: z.uuid() }),
  response: { 204: z.null(), ...problemResponses(400, 401, 404) },
}
