// Feeds seller webhooks from the broker: deal events (the catalog's own) and order events (the
// order service's). Each message becomes one delivery per subscribed webhook of its seller, in
// the same transaction as the inbox record, so a redelivered message adds nothing.
import fp from 'fastify-plugin'
import { consume, type Consumer } from '@deals/messaging'
import { fanOutEvent } from '../domain/webhooks/webhook-deliveries.ts'
import { WEBHOOK_EVENTS, webhookEventSchema } from '../domain/webhooks/webhook-events.ts'

export const WEBHOOK_CONSUMER = 'catalog.webhooks'

export const webhookEventConsumerPlugin = fp(
  async (app) => {
    let consumer: Consumer | undefined
    // Deliveries are scheduled as jobs, which can be sent only once the scheduler has started.
    app.addHook('onReady', async () => {
      consumer = await consume({
        connection: app.catalogAmqp,
        db: app.catalogDb,
        consumer: WEBHOOK_CONSUMER,
        events: WEBHOOK_EVENTS,
        schema: webhookEventSchema,
        handler: async (message, tx) => {
          await fanOutEvent(tx, message.envelope, app.catalogWebhooks.schedule)
        },
        registry: app.metrics,
        logger: app.log.child({ component: WEBHOOK_CONSUMER }),
      })
    })
    app.addHook('preClose', async () => {
      await consumer?.stop()
    })
  },
  {
    name: 'catalog-webhook-event-consumer',
    fastify: '5.x',
    dependencies: ['catalog-database', 'catalog-outbox-relay', 'jobs', 'catalog-webhooks'],
  },
)
