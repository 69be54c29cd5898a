// The public status of a deal's waiting room.
import { z } from 'zod'
import { problemResponses } from '@deals/service-kit'
import { dealParams } from '../deal-params.ts'

export const roomStatusSchema = z.object({
  dealId: z.uuid(),
  state: z.enum(['UPCOMING', 'OPEN', 'SOLD_OUT', 'CLOSED']),
  waiting: z.number().int().describe('Buyers in line (before the opening: entered early, to be shuffled)'),
  activeAdmissions: z.number().int().describe('Admissions given and not expired yet'),
  admittedTotal: z.number().int(),
  admissionRatePerSecond: z.number().int(),
  entryOpensAt: z.iso.datetime(),
  startsAt: z.iso.datetime(),
  endsAt: z.iso.datetime(),
})

export const statusSchema = {
  tags: ['waiting room'],
  summary: 'Public status of a deal’s waiting room',
  params: dealParams,
  response: { 200: roomStatusSchema, ...problemResponses(400, 401, 404, 409) },
}

export const setRateSchema = {
  tags: ['waiting room'],
  summary: 'Set (or with null, clear) a deal’s own admission rate (ADMIN)',
  params: dealParams,
  body: z.strictObject({ perSecond: z.number().int().min(1).max(100_000).nullable() }),
  response: { 200: roomStatusSchema, ...problemResponses(400, 401, 403, 404, 409, 415) },
}
