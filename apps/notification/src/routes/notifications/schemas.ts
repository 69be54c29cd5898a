// The user's notification feed: list, read, read all, unread count.
import { z } from 'zod'
import { pageOf, pageQueryShape, problemResponses } from '@deals/service-kit'
import { NOTIFICATION_KINDS } from '../../domain/preferences/preferences.ts'

export const notificationSchema = z.object({
  id: z.uuid(),
  kind: z.enum(NOTIFICATION_KINDS),
  seq: z.number().int().describe('Feed number at the last change; the SSE event id'),
  title: z.string(),
  body: z.string(),
  data: z.record(z.string(), z.unknown()).describe('Ids to link to (dealId, orderId, partyId ...)'),
  count: z.number().int().describe('Messages a collapsed chat notification stands for; 1 otherwise'),
  read: z.boolean(),
  readAt: z.iso.datetime().nullable(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
})

export const listSchema = {
  tags: ['notifications'],
  summary: 'My notifications, latest change first',
  querystring: z.object({
    unread: z.stringbool().optional().describe('true: only unread ones'),
    ...pageQueryShape,
  }),
  response: { 200: pageOf(notificationSchema), ...problemResponses(400, 401) },
}

export const readSchema = {
  tags: ['notifications'],
  summary: 'Mark one of my notifications read',
  params: z.object({ id: z.uuid() }),
  response: { 200: notificationSchema, ...problemResponses(400, 401, 404) },
}

export const readAllSchema = {
  tags: ['notifications'],
  summary: 'Mark all my notifications read',
  response: { 200: z.object({ updated: z.number().int() }), ...problemResponses(401) },
}

export const unreadCountSchema = {
  tags: ['notifications'],
  summary: 'How many of my notifications are unread',
  response: { 200: z.object({ count: z.number().int() }), ...problemResponses(401) },
}
