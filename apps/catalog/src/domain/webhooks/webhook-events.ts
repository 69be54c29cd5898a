// The events a partner can subscribe a webhook to, and how a broker message becomes the body a
// webhook receives. Deal events are the catalog's own snapshots; order events come from the order
// service and are read tolerantly: only the fields below are passed on, never buyer data.
import { z } from 'zod'
import { DEAL_EVENTS, dealSnapshotSchema, orderCancelledV1, orderPlacedV1 } from '@deals/contracts'

export const DEAL_WEBHOOK_EVENTS = DEAL_EVENTS.map((event) => event.name)

/**
 * The order lifecycle as the order service publishes it. Placed and cancelled have contracts in
 * @deals/contracts; the other steps are named after the order statuses until theirs are written.
 */
export const ORDER_WEBHOOK_EVENTS = [
  orderPlacedV1.name,
  'order.paid.v1',
  orderCancelledV1.name,
  'order.shipped.v1',
  'order.delivered.v1',
  'order.return-requested.v1',
  'order.returned.v1',
  'order.return-rejected.v1',
] as const

export const WEBHOOK_EVENTS: readonly string[] = [...DEAL_WEBHOOK_EVENTS, ...ORDER_WEBHOOK_EVENTS]

/** Sent by `POST /seller/v1/webhooks/:id/ping`; never subscribed to, always deliverable. */
export const PING_EVENT = 'webhook.ping'

const at = z.iso.datetime({ offset: true }).optional()

/** The part of an order event a partner sees (the buyer's id is not); only the two ids are required. */
const orderWebhookDataSchema = z.object({
  orderId: z.uuid(),
  sellerId: z.uuid(),
  dealId: z.uuid().nullable().optional(),
  productId: z.uuid().optional(),
  productName: z.string().max(500).optional(),
  status: z.string().max(64).optional(),
  previousStatus: z.string().max(64).optional(),
  quantity: z.number().int().optional(),
  /** Whole won. */
  unitPrice: z.number().int().optional(),
  /** Whole won: unitPrice × quantity. */
  amount: z.number().int().optional(),
  paymentMethod: z.string().max(32).optional(),
  reason: z.string().max(500).optional(),
  placedAt: at,
  paidAt: at,
  cancelledAt: at,
  shippedAt: at,
  deliveredAt: at,
  returnRequestedAt: at,
  returnedAt: at,
  returnRejectedAt: at,
})

/** The JSON body POSTed to a webhook (the Standard Webhooks shape). */
export interface WebhookBody {
  id: string
  type: string
  createdAt: string
  data: Record<string, unknown>
}

export interface WebhookEvent {
  sellerId: string
  body: WebhookBody
}

/**
 * Parses an event envelope from the broker into the seller it concerns and the body partners get.
 * A message that does not fit is refused here, so the consumer parks it instead of retrying.
 */
export const webhookEventSchema = z
  .object({
    id: z.uuid(),
    name: z.string(),
    occurredAt: z.iso.datetime({ offset: true }),
    payload: z.unknown(),
  })
  .transform((envelope, ctx): WebhookEvent => {
    const dataSchema = envelope.name.startsWith('order.') ? orderWebhookDataSchema : dealSnapshotSchema
    const data = dataSchema.safeParse(envelope.payload)
    if (!data.success) {
      ctx.addIssue({ code: 'custom', path: ['payload'], message: z.prettifyError(data.error) })
      return z.NEVER
    }
    return {
      sellerId: data.data.sellerId,
      body: { id: envelope.id, type: envelope.name, createdAt: envelope.occurredAt, data: data.data },
    }
  })
