// Entering, reading and leaving a deal's waiting room: requests and responses.
import { z } from 'zod'
import { problemSchema } from '@deals/contracts'
import { problemResponses } from '@deals/service-kit'
import { dealParams } from '../deal-params.ts'

export const entrySchema = z.object({
  dealId: z.uuid(),
  status: z
    .enum(['WAITING', 'ADMITTED', 'SOLD_OUT', 'CLOSED'])
    .describe('SOLD_OUT pauses admissions (a restock resumes them); CLOSED: ended or suspended'),
  position: z
    .number()
    .int()
    .nullable()
    .describe(
      '1 = next in line; 0 once admitted; null before the opening (places are drawn then) or when closed',
    ),
  etaSeconds: z
    .number()
    .int()
    .nullable()
    .describe('Estimate from the admission rate; until the opening before it'),
  opensAt: z.iso.datetime().describe('The deal start: early arrivals are shuffled into a random order then'),
  admissionToken: z
    .string()
    .optional()
    .describe('When ADMITTED: pass it to POST /api/orders; single use, expires at expiresAt'),
  expiresAt: z.iso.datetime().optional(),
})

const tags = ['waiting room']

export const enterSchema = {
  tags,
  summary: 'Enter the waiting room of a deal',
  description:
    'One entry per buyer account: entering again returns the same place. Entry opens PREQUEUE_SECONDS ' +
    'before the start (QUEUE_NOT_OPEN before, with entryOpensAt); arrivals before the start are put ' +
    'in a random order at the start, later ones queue behind them in arrival order. Limited per client IP.',
  params: dealParams,
  response: {
    200: entrySchema,
    ...problemResponses(400, 401, 403, 404, 429),
    409: problemSchema.extend({
      entryOpensAt: z.iso
        .datetime()
        .optional()
        .describe('With QUEUE_NOT_OPEN: when entering becomes possible'),
    }),
  },
}

export const myEntrySchema = {
  tags,
  summary: 'My place in the waiting room, or my admission token',
  params: dealParams,
  response: { 200: entrySchema, ...problemResponses(400, 401, 403, 404, 409) },
}

export const leaveSchema = {
  tags,
  summary: 'Leave the waiting room, or give an unused admission back (frees the slot)',
  params: dealParams,
  response: { 204: z.null().describe('Left'), ...problemResponses(400, 401, 403) },
}
