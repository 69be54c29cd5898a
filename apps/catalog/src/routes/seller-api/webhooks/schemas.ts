// Seller webhooks: registration, the delivery log, redelivery and ping.
import { z } from 'zod'
import { pageOf, pageQueryShape, problemResponses } from '@deals/service-kit'
import { WEBHOOK_EVENTS } from '../../../domain/webhooks/webhook-events.ts'

const tags = ['seller-api: webhooks']

const webhookSchema = z.object({
  id: z.uuid(),
  url: z.string(),
  events: z.array(z.string()),
  active: z.boolean(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
})

const deliverySchema = z.object({
  id: z.uuid(),
  webhookId: z.uuid(),
  eventId: z.uuid(),
  eventName: z.string(),
  status: z.enum(['PENDING', 'DELIVERED', 'FAILED']),
  attempts: z.number().int(),
  nextAttemptAt: z.iso.datetime().nullable(),
  lastStatusCode: z.number().int().nullable(),
  lastError: z.string().nullable(),
  deliveredAt: z.iso.datetime().nullable(),
  createdAt: z.iso.datetime(),
  payload: z
    .object({
      id: z.uuid(),
      type: z.string(),
      createdAt: z.string(),
      data: z.record(z.string(), z.unknown()),
    })
    .describe('The JSON body sent on every attempt'),
  attemptLog: z.array(
    z.object({
      attempt: z.number().int(),
      statusCode: z.number().int().nullable(),
      error: z.string().nullable(),
      durationMs: z.number().int(),
      attemptedAt: z.iso.datetime(),
    }),
  ),
})

const url = z.string().trim().min(1).max(2048).describe('https (plain http only outside production)')
const secret = z
  .string()
  .min(16)
  .max(256)
  .describe('Your signing secret (at least 16 characters); kept encrypted, never shown again')
const events = z
  .array(z.enum(WEBHOOK_EVENTS as [string, ...string[]]))
  .min(1)
  .max(WEBHOOK_EVENTS.length * 2)
  .describe('Event names to receive')

const webhookParams = z.object({ id: z.uuid() })

export const createWebhookSchema = {
  tags,
  summary: 'Register a webhook (scope webhooks:manage)',
  body: z.strictObject({ url, secret, events }),
  response: { 201: webhookSchema, ...problemResponses(400, 401, 403, 409, 413, 415) },
}

export const listWebhooksSchema = {
  tags,
  summary: 'My webhooks (scope webhooks:manage), never with their secret',
  response: { 200: z.object({ items: z.array(webhookSchema) }), ...problemResponses(401, 403) },
}

export const getWebhookSchema = {
  tags,
  summary: 'One of my webhooks (scope webhooks:manage)',
  params: webhookParams,
  response: { 200: webhookSchema, ...problemResponses(400, 401, 403, 404) },
}

export const updateWebhookSchema = {
  tags,
  summary: 'Change one of my webhooks: URL, secret, events, or pause it (scope webhooks:manage)',
  params: webhookParams,
  body: z
    .strictObject({ url, secret, events, active: z.boolean() })
    .partial()
    .refine((change) => Object.keys(change).length > 0, 'change at least one field'),
  response: { 200: webhookSchema, ...problemResponses(400, 401, 403, 404, 413, 415) },
}

export const deleteWebhookSchema = {
  tags,
  summary: 'Delete one of my webhooks; its pending deliveries end FAILED (scope webhooks:manage)',
  params: webhookParams,
  response: { 204: z.null(), ...problemResponses(400, 401, 403, 404) },
}

export const listDeliveriesSchema = {
  tags,
  summary: 'The delivery log of one of my webhooks, newest first, with every attempt',
  params: webhookParams,
  querystring: z.object(pageQueryShape),
  response: { 200: pageOf(deliverySchema), ...problemResponses(400, 401, 403, 404) },
}

export const redeliverSchema = {
  tags,
  summary: 'Send a delivered or failed delivery again, with a fresh round of attempts',
  params: z.object({ id: z.uuid(), deliveryId: z.uuid() }),
  response: { 202: deliverySchema, ...problemResponses(400, 401, 403, 404, 409) },
}

export const pingSchema = {
  tags,
  summary: 'Send a webhook.ping event to one of my webhooks',
  params: webhookParams,
  response: { 202: deliverySchema, ...problemResponses(400, 401, 403, 404, 409) },
}
