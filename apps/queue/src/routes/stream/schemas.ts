// The live stream of a buyer's entry.
import { z } from 'zod'
import { problemResponses } from '@deals/service-kit'
import { dealParams } from '../deal-params.ts'

export const streamSchema = {
  tags: ['waiting room'],
  summary: 'Live updates of my entry (server-sent events)',
  description:
    'text/event-stream. Events, each with the entry as JSON data: `position` (place or ETA changed, ' +
    'checked about every second), `sold-out` (admissions paused; the stream stays open and positions ' +
    'resume after a restock), then one final event before the server closes the stream: `admitted` ' +
    '(with admissionToken and expiresAt), `closed` (deal ended or suspended) or `left` (the entry was ' +
    'removed). Comment lines are heartbeats. Through the gateway an EventSource may pass its token as ' +
    '`?access_token=`. Enter first: 404 ENTRY_NOT_FOUND otherwise.',
  params: dealParams,
  response: {
    200: z.string().describe('text/event-stream'),
    ...problemResponses(400, 401, 403, 404, 409),
  },
}
