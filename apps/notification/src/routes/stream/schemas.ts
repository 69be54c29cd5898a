// The live stream of the user's notifications.
import { z } from 'zod'
import { problemResponses } from '@deals/service-kit'

const eventId = z.string().regex(/^\d{1,10}$/, 'an event id received on this stream')

export const streamSchema = {
  tags: ['notifications'],
  summary: 'My notifications as they happen (server-sent events)',
  description:
    'text/event-stream. Each `notification` event has the notification as JSON data and its feed ' +
    'number as `id:`; a collapsed chat notification is sent again, with a new id, when it counts a new ' +
    'message. Reconnecting with `Last-Event-ID` (or `?lastEventId=`) first replays everything after ' +
    'that id, then continues live; without it the stream starts from now. Comment lines are heartbeats. ' +
    'Through the gateway an EventSource may pass its token as `?access_token=`.',
  querystring: z.object({ lastEventId: eventId.optional() }),
  headers: z.object({ 'last-event-id': eventId.optional() }),
  response: {
    200: z.string().describe('text/event-stream'),
    ...problemResponses(400, 401),
  },
}
