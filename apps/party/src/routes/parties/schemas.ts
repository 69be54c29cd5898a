// Parties: create, find nearby, read, join, leave, cancel, and the caller's own list.
import { z } from 'zod'
import { pageOf, pageQueryShape, problemResponses } from '@deals/service-kit'
import { MAX_NEARBY_RADIUS_KM } from '../../domain/parties/nearby-parties.ts'
import { MAX_CAPACITY, MIN_CAPACITY } from '../../domain/parties/party-terms.ts'

const latitude = z.coerce.number().min(-90).max(90).describe('Degrees, WGS84')
const longitude = z.coerce.number().min(-180).max(180).describe('Degrees, WGS84')
const itemNameText = z.string().trim().min(1).max(100)

export const partySchema = z.object({
  id: z.uuid(),
  title: z.string(),
  itemName: z.string().describe('Free text, an item master name, or the product name snapshot'),
  productId: z.uuid().nullable().describe('The catalog product the party is for, if any'),
  leaderId: z.uuid(),
  capacity: z.number().int(),
  memberCount: z.number().int().describe('Members including the leader'),
  pricePerPerson: z.number().int().describe('Whole won'),
  meetAt: z.iso.datetime(),
  deadline: z.iso.datetime(),
  status: z.enum(['OPEN', 'FILLED', 'CANCELLED', 'EXPIRED']),
  market: z.object({
    id: z.uuid(),
    name: z.string(),
    address: z.string(),
    lat: z.number(),
    lng: z.number(),
  }),
  createdAt: z.iso.datetime(),
})

const nearbyPartySchema = partySchema.extend({
  distanceKm: z.number().describe('Great-circle distance to the market on a sphere of radius 6371.0088 km'),
})

export const partyParams = z.object({ id: z.uuid() })

const newPartyBody = z
  .strictObject({
    marketId: z.uuid(),
    title: z.string().trim().min(1).max(100),
    itemName: itemNameText.optional().describe('What the party buys; or give productId and productName'),
    productId: z.uuid().optional().describe('A catalog product; its id is kept as given'),
    productName: itemNameText.optional().describe('The name of productId, kept as a snapshot'),
    capacity: z.number().int().min(MIN_CAPACITY).max(MAX_CAPACITY).describe('Members including the leader'),
    pricePerPerson: z.number().int().min(0).max(100_000_000).describe('Whole won'),
    meetAt: z.iso.datetime({ offset: true }),
    deadline: z.iso
      .datetime({ offset: true })
      .describe('Before meetAt; the party expires if not full by then'),
  })
  .superRefine((body, ctx) => {
    const forItem = body.itemName !== undefined
    const forProduct = body.productId !== undefined
    if (forItem === forProduct)
      ctx.addIssue({ code: 'custom', path: ['itemName'], message: 'Give either itemName or productId' })
    if (forProduct && body.productName === undefined)
      ctx.addIssue({ code: 'custom', path: ['productName'], message: 'productId needs its productName' })
    if (!forProduct && body.productName !== undefined)
      ctx.addIssue({ code: 'custom', path: ['productName'], message: 'productName goes with productId' })
  })

const partyWrite = { 200: partySchema, ...problemResponses(400, 401, 403, 404, 409) }

export const createPartySchema = {
  tags: ['parties'],
  summary: 'Create a party (BUYER); the creator leads it and is its first member',
  body: newPartyBody,
  response: { 201: partySchema, ...problemResponses(400, 401, 403, 404, 413, 415, 422) },
}

export const nearbyPartiesSchema = {
  tags: ['parties'],
  summary: 'Open parties within a radius of a point, nearest first',
  description: 'Paged by an opaque cursor over (distance, id); `radiusKm` is at most 50.',
  querystring: z.object({
    lat: latitude,
    lng: longitude,
    radiusKm: z.coerce.number().positive().max(MAX_NEARBY_RADIUS_KM).default(3),
    ...pageQueryShape,
  }),
  response: { 200: pageOf(nearbyPartySchema), ...problemResponses(400, 401) },
}

const paymentSchema = z
  .object({
    roundId: z.uuid(),
    status: z.enum(['COLLECTING', 'RELEASING', 'PAID', 'ABANDONED']),
    shares: z.array(
      z.object({
        userId: z.uuid(),
        amount: z.number().int().describe('Whole won'),
        status: z.enum(['PENDING', 'CHARGED', 'FAILED', 'REFUNDING', 'REFUNDED', 'VOIDED', 'RELEASED']),
      }),
    ),
  })
  .nullable()
  .describe("The latest payment round of the members' shares; only members see it, null before any")

export const getPartySchema = {
  tags: ['parties'],
  summary: 'One party; its members also see the payment of their shares',
  params: partyParams,
  response: {
    200: partySchema.extend({ payment: paymentSchema.optional() }),
    ...problemResponses(400, 401, 404),
  },
}

export const myPartiesSchema = {
  tags: ['parties'],
  summary: 'Parties I lead or joined, the latest joined first',
  querystring: z.object(pageQueryShape),
  response: { 200: pageOf(partySchema), ...problemResponses(400, 401) },
}

export const joinPartySchema = {
  tags: ['parties'],
  summary: 'Join an open party (BUYER); the last place fills it',
  description:
    'Refusals: 409 PARTY_FULL, PARTY_CANCELLED, PARTY_EXPIRED, DEADLINE_PASSED, ALREADY_MEMBER; 403 TOO_MANY_PENALTIES.',
  params: partyParams,
  response: partyWrite,
}

export const leavePartySchema = {
  tags: ['parties'],
  summary: 'Leave a party before its deadline (members, not the leader); a full party opens again',
  params: partyParams,
  response: partyWrite,
}

export const cancelPartySchema = {
  tags: ['parties'],
  summary: 'Cancel a party before its meeting (the leader)',
  params: partyParams,
  response: partyWrite,
}
