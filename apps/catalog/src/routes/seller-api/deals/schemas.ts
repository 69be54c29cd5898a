// The seller API's time deals: the catalog's deal schemas, scoped to the key's seller.
import {
  bookDealSchema,
  getDealSchema,
  listOwnDealsSchema,
  resumeDealSchema,
  suspendDealSchema,
  updateDealSchema,
} from '../../deals/schemas.ts'
import { problemResponses } from '@deals/service-kit'

const tags = ['seller-api: deals']

export const sellerListDealsSchema = {
  ...listOwnDealsSchema,
  tags,
  summary: 'My deals in every status, latest start first (scope deals:read)',
}

export const sellerBookDealSchema = {
  ...bookDealSchema,
  tags,
  summary: 'Book a time deal on one of my products (scope deals:write)',
}

export const sellerGetDealSchema = {
  ...getDealSchema,
  tags,
  summary: "One of my deals, in any status (scope deals:read); another seller's is 404",
  response: { ...getDealSchema.response, ...problemResponses(403) },
}

export const sellerUpdateDealSchema = {
  ...updateDealSchema,
  tags,
  summary: 'Change my deal while HIDDEN or SCHEDULED (scope deals:write)',
}

export const sellerSuspendDealSchema = {
  ...suspendDealSchema,
  tags,
  summary: 'Suspend my deal (scope deals:write)',
}

export const sellerResumeDealSchema = {
  ...resumeDealSchema,
  tags,
  summary: 'Resume my suspended deal to the status its times give (scope deals:write)',
}
