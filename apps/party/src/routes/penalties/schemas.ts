// No-shows: the leader marks them after the meeting; anyone signed in reads a user's count.
import { z } from 'zod'
import { problemResponses } from '@deals/service-kit'
import { partyParams } from '../parties/schemas.ts'

const penaltySchema = z.object({
  id: z.uuid(),
  partyId: z.uuid(),
  userId: z.uuid(),
  reason: z.string(),
  createdAt: z.iso.datetime(),
  count: z.number().int().describe('The user’s no-shows after this one'),
})

export const markPenaltySchema = {
  tags: ['penalties'],
  summary: 'Mark a member as a no-show (the leader, after the meeting of a party that filled)',
  description:
    'Idempotent: the same member and party are counted once; a repeat answers 200 with the first mark.',
  params: partyParams,
  body: z.strictObject({
    userId: z.uuid(),
    reason: z.string().trim().min(1).max(300),
  }),
  response: {
    201: penaltySchema,
    200: penaltySchema,
    ...problemResponses(400, 401, 403, 404, 409, 413, 415, 422),
  },
}

export const penaltyCountSchema = {
  tags: ['penalties'],
  summary: 'How many no-shows a user has',
  params: z.object({ id: z.uuid() }),
  response: {
    200: z.object({ userId: z.uuid(), count: z.number().int() }),
    ...problemResponses(400, 401),
  },
}
