// Event payloads as the producing services publish them (built with the contracts, so a drift in
// a contract breaks these fixtures first), and waits on what the consumers did.
import { randomUUID } from 'node:crypto'
import { dealSnapshotSchema, partyCreatedV1, type DealSnapshot, type EventPayload } from '@deals/contracts'
import { waitUntil } from '@deals/messaging/testing'
import { sql, type PublishedEvent, type TestNotificationApp } from './test-notification-app.ts'

export const inSeconds = (s: number) => new Date(Date.now() + s * 1000)

export function dealSnapshot(overrides: Partial<DealSnapshot> = {}): DealSnapshot {
  const startsAt = overrides.startsAt ?? inSeconds(3 * 24 * 3600).toISOString()
  return dealSnapshotSchema.parse({
    dealId: randomUUID(),
    version: 2,
    status: 'SCHEDULED',
    sellerId: randomUUID(),
    storeId: randomUUID(),
    productId: randomUUID(),
    productName: '성주 참외 5kg',
    categoryId: null,
    dealPrice: 9_900,
    regularPrice: 19_900,
    quantity: 100,
    perUserLimit: 2,
    startsAt,
    endsAt: new Date(new Date(startsAt).getTime() + 3600_000).toISOString(),
    queueRequired: false,
    ...overrides,
  })
}

export function partyCreated(
  overrides: Partial<EventPayload<typeof partyCreatedV1>> = {},
): EventPayload<typeof partyCreatedV1> {
  return partyCreatedV1.payload.parse({
    partyId: randomUUID(),
    title: '망원시장 딸기 공구',
    leaderId: randomUUID(),
    marketId: randomUUID(),
    marketName: '망원시장',
    lat: 37.5558,
    lng: 126.9063,
    itemName: '딸기 2kg',
    productId: null,
    capacity: 4,
    pricePerPerson: 12_000,
    meetAt: inSeconds(2 * 24 * 3600).toISOString(),
    deadline: inSeconds(24 * 3600).toISOString(),
    ...overrides,
  })
}

/** Waits until the consumer has recorded the message in its inbox (the effect committed with it). */
export async function processed(t: TestNotificationApp, messageId: string, timeoutMs = 10_000) {
  await waitUntil(
    async () => (await sql(t, 'SELECT 1 FROM inbox_messages WHERE message_id = $1', [messageId])).length > 0,
    { timeoutMs, message: `message ${messageId} processed` },
  )
}

/** Notifications of a user straight from the database, oldest first. */
export async function notificationsOf(t: TestNotificationApp, userId: string) {
  return sql<{
    kind: string
    title: string
    body: string
    source_event_id: string
    count: number
    seq: number
  }>(
    t,
    'SELECT kind, title, body, source_event_id, count, seq FROM notifications WHERE user_id = $1 ORDER BY seq',
    [userId],
  )
}

/** Redeliveries the consumer recognised in its inbox and skipped, on the main app. */
export async function duplicatesSkipped(t: TestNotificationApp, consumer: string): Promise<number> {
  const metric = t.app.metrics.getSingleMetric('messaging_consumer_messages_total')
  const values = metric ? (await metric.get()).values : []
  return values.find((v) => v.labels.consumer === consumer && v.labels.outcome === 'duplicate')?.value ?? 0
}

/** Waits until the consumer has skipped one more redelivery than `before`. */
export async function duplicateSkipped(t: TestNotificationApp, consumer: string, before: number) {
  await waitUntil(async () => (await duplicatesSkipped(t, consumer)) > before, {
    message: `a redelivery skipped by ${consumer}`,
  })
}

/** Publishes the event, then the same message again; waits until `consumer` skipped the copy. */
export async function deliveredTwice(
  t: TestNotificationApp,
  consumer: string,
  event: { name: string; payload: unknown },
): Promise<PublishedEvent> {
  const first = await t.publish(event)
  await processed(t, first.id)
  const skipped = await duplicatesSkipped(t, consumer)
  await t.publish({ ...event, id: first.id })
  await duplicateSkipped(t, consumer, skipped)
  return first
}
