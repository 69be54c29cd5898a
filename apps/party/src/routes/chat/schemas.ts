// The chat: a WebSocket per member and party, and the history in pages.
import { z } from 'zod'
import { problemResponses } from '@deals/service-kit'
import { partyParams } from '../parties/schemas.ts'

const messageSchema = z.object({
  id: z.uuid(),
  partyId: z.uuid(),
  senderId: z.uuid(),
  text: z.string(),
  sentAt: z.iso.datetime(),
})

export const chatSchema = {
  tags: ['chat'],
  summary: 'The party’s live chat over WebSocket (members)',
  description:
    'Refused before the upgrade with 401/403 NOT_A_MEMBER/404. Then: {type:"history", messages} (the latest, oldest first), ' +
    '{type:"message", message} for each new one, {type:"error", code} for a refused message. Send {"text": "..."} ' +
    '(at most 1000 characters). Closed with 4403 when the member leaves the party, 1001 when the server shuts down.',
  params: partyParams,
}

export const messagesSchema = {
  tags: ['chat'],
  summary: 'Older chat messages (members), newest first',
  description: 'Pass `nextCursor` as `before` to read the page before.',
  params: partyParams,
  querystring: z.object({
    before: z.uuid().optional().describe('A message id: list the messages sent before it'),
    limit: z.coerce.number().int().min(1).max(100).default(50),
  }),
  response: {
    200: z.object({ items: z.array(messageSchema), nextCursor: z.uuid().nullable() }),
    ...problemResponses(400, 401, 403, 404),
  },
}
