// Events published by the catalog service. Deal events carry the whole deal (event-carried state
// transfer): the order, queue and notification services keep their own copy from them, and the
// `version` (raised by every change) lets a consumer drop an event older than what it holds.
import { z } from 'zod'
import { defineEvent } from './envelope.ts'

export const DEAL_STATUSES = ['HIDDEN', 'SCHEDULED', 'OPEN', 'ENDED', 'SUSPENDED'] as const
export const dealStatusSchema = z.enum(DEAL_STATUSES)
export type DealStatus = z.infer<typeof dealStatusSchema>

export const dealSnapshotSchema = z.object({
  dealId: z.uuid(),
  version: z.number().int().positive(),
  status: dealStatusSchema,
  sellerId: z.uuid(),
  storeId: z.uuid(),
  productId: z.uuid(),
  productName: z.string(),
  categoryId: z.uuid().nullable(),
  /** Whole won. */
  dealPrice: z.number().int().nonnegative(),
  regularPrice: z.number().int().nonnegative(),
  quantity: z.number().int().positive(),
  perUserLimit: z.number().int().positive(),
  startsAt: z.iso.datetime(),
  endsAt: z.iso.datetime(),
  queueRequired: z.boolean(),
})
export type DealSnapshot = z.infer<typeof dealSnapshotSchema>

/** Booked, not yet shown to buyers. */
export const dealCreatedV1 = defineEvent('deal.created.v1', dealSnapshotSchema)
/** Announced: listed with its countdown; stock and the waiting room can be prepared. */
export const dealScheduledV1 = defineEvent('deal.scheduled.v1', dealSnapshotSchema)
/** Price, quantity, limits or times changed before opening. */
export const dealUpdatedV1 = defineEvent('deal.updated.v1', dealSnapshotSchema)
export const dealOpenedV1 = defineEvent('deal.opened.v1', dealSnapshotSchema)
export const dealEndedV1 = defineEvent('deal.ended.v1', dealSnapshotSchema)
/** Stopped by the seller or an admin; `resumed` puts it back to the status its times give. */
export const dealSuspendedV1 = defineEvent('deal.suspended.v1', dealSnapshotSchema)
export const dealResumedV1 = defineEvent('deal.resumed.v1', dealSnapshotSchema)

export const DEAL_EVENTS = [
  dealCreatedV1,
  dealScheduledV1,
  dealUpdatedV1,
  dealOpenedV1,
  dealEndedV1,
  dealSuspendedV1,
  dealResumedV1,
] as const

const likePayload = z.object({ userId: z.uuid(), productId: z.uuid() })
export const productLikedV1 = defineEvent('product.liked.v1', likePayload)
export const productUnlikedV1 = defineEvent('product.unliked.v1', likePayload)

const followPayload = z.object({ userId: z.uuid(), storeId: z.uuid() })
export const storeFollowedV1 = defineEvent('store.followed.v1', followPayload)
export const storeUnfollowedV1 = defineEvent('store.unfollowed.v1', followPayload)

/** A newly scheduled deal matches a buyer's keyword alert; one event per alert matched. */
export const keywordAlertMatchedV1 = defineEvent(
  'keyword-alert.matched.v1',
  z.object({ userId: z.uuid(), alertId: z.uuid(), keyword: z.string(), deal: dealSnapshotSchema }),
)

export const marketSnapshotSchema = z.object({
  marketId: z.uuid(),
  name: z.string(),
  address: z.string(),
  lat: z.number().min(-90).max(90),
  lng: z.number().min(-180).max(180),
})
export type MarketSnapshot = z.infer<typeof marketSnapshotSchema>
export const marketCreatedV1 = defineEvent('market.created.v1', marketSnapshotSchema)
export const marketUpdatedV1 = defineEvent('market.updated.v1', marketSnapshotSchema)
