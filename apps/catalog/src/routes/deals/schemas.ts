// Time deals: sellers book and manage slots on their products; anyone (through the gateway) lists
// and reads the announced ones. Every deal carries the server's clock for countdowns.
import { z } from 'zod'
import { dealSnapshotSchema, dealStatusSchema } from '@deals/contracts'
import { pageOf, pageQueryShape, problemResponses } from '@deals/service-kit'
import { DEAL_SORTS, DEAL_WINDOWS, LISTED_STATUSES } from '../../domain/deals/deal-listings.ts'

const instant = z.iso.datetime({ offset: true }).describe('ISO-8601; stored to the millisecond')

export const dealSchema = dealSnapshotSchema.omit({ dealId: true }).extend({
  id: z.uuid(),
  version: z.number().int().describe('Raised by every change; the events carry it'),
  dealPrice: z.number().int().describe('Whole won'),
  regularPrice: z.number().int().describe('Whole won: the product price when booked or last changed'),
  discountPercent: z.number().int(),
  announceAt: z.iso.datetime().describe('When the deal is (or was) listed as SCHEDULED'),
  suspendedReason: z.string().nullable(),
  serverTime: z.iso.datetime().describe('The server clock when answering, for countdowns'),
  secondsToStart: z.number().int(),
  secondsToEnd: z.number().int(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
})

const dealPageSchema = pageOf(dealSchema).extend({ serverTime: z.iso.datetime() })

const termFields = {
  dealPrice: z.number().int().min(0).max(1_000_000_000).describe('Whole won, below the product price'),
  quantity: z.number().int().min(1).max(10_000_000),
  perUserLimit: z.number().int().min(1).max(10_000_000).describe('At most the quantity'),
  startsAt: instant,
  endsAt: instant.describe('After startsAt, at most 7 days later'),
  queueRequired: z.boolean().describe('Buyers pass the waiting room first'),
}

const idParams = z.object({ id: z.uuid() })

export const bookDealSchema = {
  tags: ['deals'],
  summary: 'Book a time deal on one of my products (SELLER); publishes deal.created.v1',
  description:
    'A product has at most one live deal at any moment: an overlapping slot is 409 DEAL_SLOT_TAKEN. ' +
    'The deal stays HIDDEN until announceAt (DEAL_ANNOUNCE_LEAD_SECONDS before the start), then is ' +
    'SCHEDULED, OPEN at startsAt and ENDED at endsAt.',
  body: z.strictObject({
    productId: z.uuid(),
    ...termFields,
    queueRequired: termFields.queueRequired.default(false),
  }),
  response: { 201: dealSchema, ...problemResponses(400, 401, 403, 404, 409, 413, 415, 422) },
}

export const updateDealSchema = {
  tags: ['deals'],
  summary: 'Change my deal while HIDDEN or SCHEDULED (SELLER); publishes deal.updated.v1',
  params: idParams,
  body: z
    .strictObject({
      dealPrice: termFields.dealPrice.optional(),
      quantity: termFields.quantity.optional(),
      perUserLimit: termFields.perUserLimit.optional(),
      startsAt: termFields.startsAt.optional(),
      endsAt: termFields.endsAt.optional(),
      queueRequired: termFields.queueRequired.optional(),
    })
    .refine((body) => Object.keys(body).length > 0, 'Name at least one field to change'),
  response: { 200: dealSchema, ...problemResponses(400, 401, 403, 404, 409, 413, 415, 422) },
}

export const suspendDealSchema = {
  tags: ['deals'],
  summary: 'Suspend a deal (its SELLER or an ADMIN); publishes deal.suspended.v1',
  params: idParams,
  body: z.strictObject({ reason: z.string().trim().min(1).max(500) }),
  response: { 200: dealSchema, ...problemResponses(400, 401, 403, 404, 409, 413, 415) },
}

export const resumeDealSchema = {
  tags: ['deals'],
  summary: 'Resume a suspended deal to the status its times give (SELLER or ADMIN); deal.resumed.v1',
  params: idParams,
  response: { 200: dealSchema, ...problemResponses(400, 401, 403, 404, 409) },
}

export const listDealsSchema = {
  tags: ['deals'],
  summary: 'Announced, open and today-ended deals',
  description:
    '`window`: deals whose [startsAt, endsAt) meets today or this week (Monday to Sunday), in ' +
    'Asia/Seoul time. `category`: an id or slug, sub-categories included. `q`: a substring of the ' +
    'product name. Sorted ascending by `sort`.',
  querystring: z.object({
    window: z.enum(DEAL_WINDOWS).optional(),
    category: z.string().trim().min(1).max(100).optional(),
    status: z.enum(LISTED_STATUSES).optional(),
    q: z.string().trim().min(1).max(100).optional(),
    sort: z.enum(DEAL_SORTS).default('startsAt'),
    ...pageQueryShape,
  }),
  response: { 200: dealPageSchema, ...problemResponses(400, 401) },
}

export const getDealSchema = {
  tags: ['deals'],
  summary: 'One deal (HIDDEN and SUSPENDED ones only to their seller or an admin)',
  params: idParams,
  response: { 200: dealSchema, ...problemResponses(400, 401, 404) },
}

export const listOwnDealsSchema = {
  tags: ['deals'],
  summary: 'My deals in every status, latest start first (SELLER)',
  querystring: z.object({ status: dealStatusSchema.optional(), ...pageQueryShape }),
  response: { 200: dealPageSchema, ...problemResponses(400, 401, 403) },
}
