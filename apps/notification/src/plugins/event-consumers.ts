// Turns other services' events into notifications and into the replicas deciding who gets them.
// Each consumer runs its handler in a feed transaction together with the inbox record, so a
// redelivered event changes nothing twice and notifies no one twice; the notifications it wrote
// go live when that transaction commits. Consumers start once the job scheduler runs (reminders
// are scheduled from deal events) and stop first on close.
import fp from 'fastify-plugin'
import { z } from 'zod'
import { consume, openAmqpConnection, type AmqpConnection, type Consumer } from '@deals/messaging'
import {
  DEAL_EVENTS,
  PARTY_EVENTS,
  PARTY_PAYMENT_EVENTS,
  dealScheduledV1,
  dealSnapshotSchema,
  keywordAlertMatchedV1,
  partyCancelledV1,
  partyCreatedV1,
  partyExpiredV1,
  partyFilledV1,
  partyJoinedV1,
  partyLeftV1,
  partyMemberRemovedV1,
  partyMessagePostedV1,
  partyPaidV1,
  productLikedV1,
  productUnlikedV1,
  storeFollowedV1,
  storeUnfollowedV1,
  userRegisteredV1,
} from '@deals/contracts'
import { applyInterest } from '../domain/triggers/catalog-interests.ts'
import { keywordAlertNotice, storeDealNotices } from '../domain/triggers/catalog-notices.ts'
import { orderStatusNotice } from '../domain/triggers/order-status.ts'
import { rememberUser } from '../domain/triggers/user-contacts.ts'

declare module 'fastify' {
  interface FastifyInstance {
    notificationAmqp: AmqpConnection
  }
}

export const CONSUMERS = {
  users: 'notification.users',
  interests: 'notification.interests',
  deals: 'notification.deals',
  keywordAlerts: 'notification.keyword-alerts',
  orders: 'notification.orders',
  parties: 'notification.parties',
} as const

/** Every order event, present and future: `order.placed.v1`, `order.return-requested.v1`, ... */
export const ORDER_EVENTS_PATTERN = 'order.*.v1'

const envelope = <N extends string, P extends z.ZodType>(name: N, payload: P) =>
  z.object({ name: z.literal(name), occurredAt: z.iso.datetime(), payload })

const userEnvelope = z.object({ payload: userRegisteredV1.payload })

const like = z.object({ userId: z.uuid(), productId: z.uuid() })
const follow = z.object({ userId: z.uuid(), storeId: z.uuid() })
const interestEnvelope = z.discriminatedUnion('name', [
  envelope(productLikedV1.name, like),
  envelope(productUnlikedV1.name, like),
  envelope(storeFollowedV1.name, follow),
  envelope(storeUnfollowedV1.name, follow),
])

const dealFields = dealSnapshotSchema.pick({
  dealId: true,
  version: true,
  status: true,
  productId: true,
  storeId: true,
  productName: true,
  startsAt: true,
})
const dealEnvelope = z.object({ payload: dealFields })

const keywordEnvelope = z.object({
  payload: keywordAlertMatchedV1.payload.pick({ userId: true, alertId: true, keyword: true }).extend({
    deal: dealFields.pick({ dealId: true, productId: true, productName: true, startsAt: true }),
  }),
})

const orderEnvelope = z.object({
  payload: z.object({
    orderId: z.uuid(),
    userId: z.uuid(),
    productName: z.string().optional(),
    status: z.string().optional(),
    reason: z.string().optional(),
  }),
})

const partyRef = { partyId: z.uuid(), title: z.string(), leaderId: z.uuid() }
const membership = z.object({
  ...partyRef,
  userId: z.uuid(),
  memberCount: z.number().int(),
  capacity: z.number().int(),
})
const ending = z.object({ ...partyRef, memberIds: z.array(z.uuid()) })
const partyEnvelope = z.discriminatedUnion('name', [
  envelope(
    partyCreatedV1.name,
    partyCreatedV1.payload.pick({
      partyId: true,
      title: true,
      leaderId: true,
      marketId: true,
      marketName: true,
      lat: true,
      lng: true,
      itemName: true,
      meetAt: true,
    }),
  ),
  envelope(partyJoinedV1.name, membership),
  envelope(partyLeftV1.name, membership),
  envelope(partyFilledV1.name, ending),
  envelope(partyCancelledV1.name, ending),
  envelope(partyExpiredV1.name, ending),
  envelope(
    partyMessagePostedV1.name,
    z.object({ partyId: z.uuid(), messageId: z.uuid(), senderId: z.uuid(), preview: z.string() }),
  ),
  envelope(partyMemberRemovedV1.name, membership.extend({ reason: z.string() })),
  envelope(partyPaidV1.name, ending.extend({ roundId: z.uuid(), amount: z.number().int().nonnegative() })),
])

export const eventConsumersPlugin = fp<{ amqpUrl: string }>(
  async (app, { amqpUrl }) => {
    const logger = app.log.child({ component: 'consumers' })
    const connection = await openAmqpConnection({ url: amqpUrl, name: 'notification', logger })
    app.decorate('notificationAmqp', connection)
    const { feed, transactions, reminders, parties } = app.notificationDomain
    const common = {
      connection,
      db: transactions,
      registry: app.metrics,
      logger,
      transactionOptions: { maxWait: 10_000, timeout: 60_000 },
    }
    const consumers: Consumer[] = []

    app.addHook('onReady', async () => {
      consumers.push(
        await consume({
          ...common,
          consumer: CONSUMERS.users,
          events: [userRegisteredV1.name],
          schema: userEnvelope,
          handler: ({ envelope }, tx) => rememberUser(tx, envelope.payload),
        }),
        await consume({
          ...common,
          consumer: CONSUMERS.interests,
          events: [productLikedV1.name, productUnlikedV1.name, storeFollowedV1.name, storeUnfollowedV1.name],
          schema: interestEnvelope,
          handler: async ({ envelope: e }, tx) => {
            const at = new Date(e.occurredAt)
            if ('productId' in e.payload)
              await applyInterest(tx, 'like', {
                userId: e.payload.userId,
                subjectId: e.payload.productId,
                active: e.name === productLikedV1.name,
                at,
              })
            else
              await applyInterest(tx, 'follow', {
                userId: e.payload.userId,
                subjectId: e.payload.storeId,
                active: e.name === storeFollowedV1.name,
                at,
              })
          },
        }),
        await consume({
          ...common,
          consumer: CONSUMERS.deals,
          events: DEAL_EVENTS.map((e) => e.name),
          schema: dealEnvelope,
          handler: async ({ id, name, envelope: { payload: deal } }, tx) => {
            await reminders.applySnapshot(tx, deal)
            if (name === dealScheduledV1.name) await feed.notify(tx, await storeDealNotices(tx, id, deal))
          },
        }),
        await consume({
          ...common,
          consumer: CONSUMERS.keywordAlerts,
          events: [keywordAlertMatchedV1.name],
          schema: keywordEnvelope,
          handler: async ({ id, envelope }, tx) => {
            await feed.notify(tx, [keywordAlertNotice(id, envelope.payload)])
          },
        }),
        await consume({
          ...common,
          consumer: CONSUMERS.orders,
          events: [ORDER_EVENTS_PATTERN],
          schema: orderEnvelope,
          handler: async ({ id, name, envelope }, tx) => {
            const notice = orderStatusNotice(name, id, envelope.payload)
            if (notice) await feed.notify(tx, [notice])
          },
        }),
        await consume({
          ...common,
          consumer: CONSUMERS.parties,
          events: [...PARTY_EVENTS, ...PARTY_PAYMENT_EVENTS].map((e) => e.name),
          schema: partyEnvelope,
          handler: async ({ id, envelope: e }, tx) => {
            const at = new Date(e.occurredAt)
            switch (e.name) {
              case partyCreatedV1.name:
                return parties.created(tx, id, at, e.payload)
              case partyJoinedV1.name:
                return parties.joined(tx, id, at, e.payload)
              case partyLeftV1.name:
                return parties.left(tx, at, e.payload)
              case partyFilledV1.name:
                return parties.ended(tx, id, at, 'filled', e.payload)
              case partyCancelledV1.name:
                return parties.ended(tx, id, at, 'cancelled', e.payload)
              case partyExpiredV1.name:
                return parties.ended(tx, id, at, 'expired', e.payload)
              case partyMessagePostedV1.name:
                return parties.messagePosted(tx, id, e.payload)
              case partyMemberRemovedV1.name:
                return parties.memberRemoved(tx, id, at, e.payload)
              case partyPaidV1.name:
                return parties.paid(tx, id, at, e.payload)
            }
          },
        }),
      )
    })
    app.addHook('preClose', async () => {
      await Promise.all(consumers.map((c) => c.stop()))
    })
    app.addHook('onClose', async () => {
      await connection.close()
    })
  },
  {
    name: 'notification-event-consumers',
    fastify: '5.x',
    dependencies: ['notification-domain', 'notification-database', 'jobs'],
  },
)
