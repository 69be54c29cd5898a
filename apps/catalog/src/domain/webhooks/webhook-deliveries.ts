// The deliveries of a seller's webhook: the log with every attempt, a redelivery on request, a
// ping, and the fan-out that turns one event into one delivery per subscribed webhook.
import { randomUUID } from 'node:crypto'
import { z } from 'zod'
import { decodeCursor, defineError, encodeCursor, NotFound } from '@deals/service-kit'
import type { CatalogDb, CatalogTx } from '../database.ts'
import type { ScheduleDelivery } from './delivery-job.ts'
import { PING_EVENT, type WebhookBody, type WebhookEvent } from './webhook-events.ts'
import type { WebhookRegistry } from './webhook-registry.ts'

export const DeliveryPending = defineError(
  'DELIVERY_PENDING',
  409,
  'This delivery is still being attempted; wait until it is delivered or failed',
)
export const WebhookInactive = defineError('WEBHOOK_INACTIVE', 409, 'This webhook is not active')

type DeliveryRow = Awaited<ReturnType<CatalogDb['webhookDelivery']['findFirstOrThrow']>>
type AttemptRow = Awaited<ReturnType<CatalogDb['webhookAttempt']['findFirstOrThrow']>>

export interface DeliveryView {
  id: string
  webhookId: string
  eventId: string
  eventName: string
  status: 'PENDING' | 'DELIVERED' | 'FAILED'
  attempts: number
  nextAttemptAt: string | null
  lastStatusCode: number | null
  lastError: string | null
  deliveredAt: string | null
  createdAt: string
  /** The JSON body sent on every attempt. */
  payload: WebhookBody
  attemptLog: {
    attempt: number
    statusCode: number | null
    error: string | null
    durationMs: number
    attemptedAt: string
  }[]
}

const view = (row: DeliveryRow & { attemptLog: AttemptRow[] }): DeliveryView => ({
  id: row.id,
  webhookId: row.webhookId,
  eventId: row.eventId,
  eventName: row.eventName,
  status: row.status,
  attempts: row.attempts,
  nextAttemptAt: row.nextAttemptAt?.toISOString() ?? null,
  lastStatusCode: row.lastStatusCode,
  lastError: row.lastError,
  deliveredAt: row.deliveredAt?.toISOString() ?? null,
  createdAt: row.createdAt.toISOString(),
  payload: row.payload as unknown as WebhookBody,
  attemptLog: row.attemptLog.map((a) => ({
    attempt: a.attempt,
    statusCode: a.statusCode,
    error: a.error,
    durationMs: a.durationMs,
    attemptedAt: a.attemptedAt.toISOString(),
  })),
})

const withAttempts = { attemptLog: { orderBy: { attempt: 'asc' } } } as const

/** Creates one pending delivery per active webhook of the seller subscribed to the event. */
export async function fanOutEvent(
  tx: CatalogTx,
  event: WebhookEvent,
  schedule: ScheduleDelivery,
): Promise<number> {
  const webhooks = await tx.webhook.findMany({
    where: { sellerId: event.sellerId, active: true, deletedAt: null, events: { has: event.body.type } },
    select: { id: true },
  })
  if (!webhooks.length) return 0
  const now = new Date()
  const created = await tx.webhookDelivery.createManyAndReturn({
    data: webhooks.map((webhook) => ({
      webhookId: webhook.id,
      eventId: event.body.id,
      eventName: event.body.type,
      payload: event.body as object,
      nextAttemptAt: now,
    })),
    skipDuplicates: true,
    select: { id: true },
  })
  for (const delivery of created)
    await schedule(tx, { deliveryId: delivery.id, attempt: 1, roundStart: 1 }, now)
  return created.length
}

export class WebhookDeliveries {
  constructor(
    private readonly db: CatalogDb,
    private readonly registry: WebhookRegistry,
    private readonly schedule: ScheduleDelivery,
  ) {}

  /** Newest first; ids are time-ordered (UUIDv7), so the cursor is the last id seen. */
  async list(
    sellerId: string,
    webhookId: string,
    page: { limit: number; cursor?: string | undefined },
  ): Promise<{ items: DeliveryView[]; nextCursor: string | null }> {
    await this.registry.find(sellerId, webhookId)
    const after = page.cursor ? decodeCursor(page.cursor, { i: z.uuid() }).i : undefined
    const rows = await this.db.webhookDelivery.findMany({
      where: { webhookId, ...(after ? { id: { lt: after } } : {}) },
      orderBy: { id: 'desc' },
      take: page.limit + 1,
      include: withAttempts,
    })
    const items = rows.slice(0, page.limit)
    const last = items.at(-1)
    return {
      items: items.map(view),
      nextCursor: rows.length > page.limit && last ? encodeCursor({ i: last.id }) : null,
    }
  }

  /** Sends a delivered or failed delivery again, with a fresh round of attempts. */
  async redeliver(sellerId: string, webhookId: string, deliveryId: string): Promise<DeliveryView> {
    const webhook = await this.registry.find(sellerId, webhookId)
    if (!webhook.active) throw WebhookInactive()
    return this.db.$transaction(async (tx) => {
      const delivery = await tx.webhookDelivery.findFirst({ where: { id: deliveryId, webhookId } })
      if (!delivery) throw NotFound('No such delivery')
      const now = new Date()
      const { count } = await tx.webhookDelivery.updateMany({
        where: { id: deliveryId, status: { in: ['DELIVERED', 'FAILED'] } },
        data: { status: 'PENDING', nextAttemptAt: now, deliveredAt: null },
      })
      if (count === 0) throw DeliveryPending()
      const next = delivery.attempts + 1
      await this.schedule(tx, { deliveryId, attempt: next, roundStart: next }, now)
      return view(
        await tx.webhookDelivery.findUniqueOrThrow({ where: { id: deliveryId }, include: withAttempts }),
      )
    })
  }

  /** Sends a `webhook.ping` event to the webhook, whatever it subscribes to. */
  async ping(sellerId: string, webhookId: string): Promise<DeliveryView> {
    const webhook = await this.registry.find(sellerId, webhookId)
    if (!webhook.active) throw WebhookInactive()
    const now = new Date()
    const body: WebhookBody = {
      id: randomUUID(),
      type: PING_EVENT,
      createdAt: now.toISOString(),
      data: { webhookId },
    }
    return this.db.$transaction(async (tx) => {
      const delivery = await tx.webhookDelivery.create({
        data: {
          webhookId,
          eventId: body.id,
          eventName: body.type,
          payload: body as object,
          nextAttemptAt: now,
        },
        include: withAttempts,
      })
      await this.schedule(tx, { deliveryId: delivery.id, attempt: 1, roundStart: 1 }, now)
      return view(delivery)
    })
  }
}
