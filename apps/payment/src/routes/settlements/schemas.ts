// Sellers' daily settlements: the seller's own list and the admin's run of a day.
import { z } from 'zod'
import { pageOf, pageQueryShape, problemResponses } from '@deals/service-kit'

export const settlementSchema = z.object({
  sellerId: z.uuid(),
  /** The settled day, YYYY-MM-DD in the settlement time zone. */
  date: z.iso.date(),
  grossAmount: z.number().int(),
  refundedAmount: z.number().int(),
  netAmount: z.number().int(),
  paidCount: z.number().int(),
  refundCount: z.number().int(),
  computedAt: z.iso.datetime(),
})

export const listSettlementsSchema = {
  tags: ['settlements'],
  summary: 'My settlements, newest day first',
  querystring: z.strictObject({
    ...pageQueryShape,
    from: z.iso.date().optional(),
    to: z.iso.date().optional(),
  }),
  response: { 200: pageOf(settlementSchema), ...problemResponses(400, 401, 403) },
}

export const runSettlementSchema = {
  tags: ['settlements'],
  summary: 'Settle one day now (again, if it was settled): same figures every time',
  querystring: z.strictObject({ date: z.iso.date() }),
  response: {
    200: z.object({ date: z.iso.date(), items: z.array(settlementSchema) }),
    ...problemResponses(400, 401, 403),
  },
}
