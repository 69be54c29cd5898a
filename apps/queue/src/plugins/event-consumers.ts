// Keeps the deal list current from the broker: catalog's deal snapshots and the order service's
// stock sold-out / restocked events, each applied once (inbox) in a transaction with the change.
import fp from 'fastify-plugin'
import { z } from 'zod'
import { consume, openAmqpConnection, type AmqpConnection, type Consumer } from '@deals/messaging'
import { DEAL_EVENTS, dealSnapshotSchema, stockRestockedV1, stockSoldOutV1 } from '@deals/contracts'

declare module 'fastify' {
  interface FastifyInstance {
    queueAmqp: AmqpConnection
  }
}

export const DEAL_CONSUMER = 'queue.deals'
export const STOCK_CONSUMER = 'queue.stock'

const dealEnvelope = z.object({
  payload: dealSnapshotSchema.pick({
    dealId: true,
    version: true,
    status: true,
    startsAt: true,
    endsAt: true,
    queueRequired: true,
  }),
})
const stockEnvelope = z.object({ payload: z.object({ dealId: z.uuid(), at: z.iso.datetime() }) })

export const eventConsumersPlugin = fp<{ amqpUrl: string }>(
  async (app, { amqpUrl }) => {
    const logger = app.log.child({ component: 'consumers' })
    const connection = await openAmqpConnection({ url: amqpUrl, name: 'queue', logger })
    app.decorate('queueAmqp', connection)
    const { deals } = app.queueDomain
    const common = { connection, db: app.queueDb, registry: app.metrics, logger }

    const consumers: Consumer[] = [
      await consume({
        ...common,
        consumer: DEAL_CONSUMER,
        events: DEAL_EVENTS.map((e) => e.name),
        schema: dealEnvelope,
        handler: async (message, tx) => deals.applySnapshot(tx, message.envelope.payload),
      }),
      await consume({
        ...common,
        consumer: STOCK_CONSUMER,
        events: [stockSoldOutV1.name, stockRestockedV1.name],
        schema: stockEnvelope,
        handler: async ({ name, envelope }, tx) =>
          deals.applyStock(tx, {
            dealId: envelope.payload.dealId,
            soldOut: name === stockSoldOutV1.name,
            at: new Date(envelope.payload.at),
          }),
      }),
    ]
    app.addHook('onClose', async () => {
      await Promise.all(consumers.map((c) => c.stop()))
      await connection.close()
    })
  },
  { name: 'queue-event-consumers', fastify: '5.x', dependencies: ['queue-domain', 'queue-database'] },
)
