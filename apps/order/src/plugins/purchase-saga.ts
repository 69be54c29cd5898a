// The purchase saga's moving parts: the consumer of the payment service's replies
// (`order.payment-replies`, each applied once through the inbox, in the transaction of its effect)
// and the durable periodic sweep that unsticks sagas left waiting.
import fp from 'fastify-plugin'
import { consume, type Consumer } from '@deals/messaging'
import type { OrderConfig } from '../config.ts'
import { PAYMENT_REPLY_NAMES, PaymentReplies, paymentReplySchema } from '../domain/saga/payment-replies.ts'
import { SAGA_SWEEP_JOB, SagaSweep } from '../domain/saga/saga-sweep.ts'

export const PAYMENT_REPLIES_CONSUMER = 'order.payment-replies'

declare module 'fastify' {
  interface FastifyInstance {
    purchaseSaga: { replies: PaymentReplies; sweep: SagaSweep }
  }
}

export const purchaseSagaPlugin = fp<{ config: OrderConfig }>(
  async (app, { config }) => {
    const { orderDb: db, jobs } = app
    const { sagas, sagaMetrics, expiry } = app.orderDomain
    const logger = app.log.child({ component: PAYMENT_REPLIES_CONSUMER })
    const replies = new PaymentReplies(sagas, app.orderLifecycle.lifecycle)
    const sweep = new SagaSweep({
      db,
      sagas,
      expiry,
      timeoutGraceMs: config.SAGA_TIMEOUT_GRACE_MS,
      resendAfterMs: config.SAGA_RESEND_AFTER_MS,
    })

    jobs.define(SAGA_SWEEP_JOB, async () => {
      const swept = await sweep.sweep()
      if (swept.timedOut || swept.resent) app.log.info(swept, 'stuck purchase sagas moved on')
    })

    let consumer: Consumer | undefined
    app.addHook('onReady', async () => {
      await jobs.every(SAGA_SWEEP_JOB, config.SAGA_SWEEP_CRON, {})
      consumer = await consume({
        connection: app.orderAmqp,
        db,
        consumer: PAYMENT_REPLIES_CONSUMER,
        events: PAYMENT_REPLY_NAMES,
        schema: paymentReplySchema,
        handler: async (message, tx, { afterCommit }) => {
          const result = await replies.apply(tx, message.envelope)
          if (!result.applied)
            logger.info({ messageId: message.id, name: message.name, why: result.why }, 'reply dropped')
          // Counted once committed: a commit that fails is retried and must not count twice.
          else afterCommit(() => sagaMetrics.ended(result.ended))
        },
        registry: app.metrics,
        logger,
      })
    })
    app.addHook('onClose', async () => {
      await consumer?.stop()
    })
    app.decorate('purchaseSaga', { replies, sweep })
  },
  {
    name: 'order-purchase-saga',
    fastify: '5.x',
    dependencies: ['order-outbox-relay', 'order-domain', 'order-lifecycle', 'jobs'],
  },
)
