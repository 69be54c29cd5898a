// Keeps the deal replica (and the deals' stock counters) current from the catalog's deal events,
// through @deals/messaging's inbox: a redelivered event has no second effect.
import fp from 'fastify-plugin'
import { z } from 'zod'
import { consume, type Consumer } from '@deals/messaging'
import { DEAL_EVENTS, dealSnapshotSchema } from '@deals/contracts'

export const DEAL_EVENTS_CONSUMER = 'order.deal-replica'

export const dealEventsPlugin = fp(
  async (app) => {
    let consumer: Consumer | undefined
    app.addHook('onReady', async () => {
      consumer = await consume({
        connection: app.orderAmqp,
        db: app.orderDb,
        consumer: DEAL_EVENTS_CONSUMER,
        events: DEAL_EVENTS.map((e) => e.name),
        schema: z.object({ payload: dealSnapshotSchema }),
        handler: async (message, tx) => {
          await app.orderDomain.deals.apply(tx, message.envelope.payload)
        },
        registry: app.metrics,
        logger: app.log.child({ component: DEAL_EVENTS_CONSUMER }),
      })
    })
    app.addHook('onClose', async () => {
      await consumer?.stop()
    })
  },
  { name: 'order-deal-events', fastify: '5.x', dependencies: ['order-outbox-relay', 'order-domain'] },
)
