// Consumes the payment service's replies about party shares through @deals/messaging's inbox:
// each is applied once, in one transaction with the commands and events it causes.
import fp from 'fastify-plugin'
import { z } from 'zod'
import { consume } from '@deals/messaging'
import {
  paymentShareChargedV1,
  paymentShareChargeFailedV1,
  paymentShareRefundedV1,
  paymentShareReleasedV1,
  SHARE_PAYMENT_REPLIES,
} from '@deals/contracts'
import { PARTY_LOCK_TRANSACTION } from '../domain/database.ts'

export const SHARE_REPLIES_CONSUMER = 'party.share-payment-replies'

const replySchema = z.discriminatedUnion('name', [
  z.object({ name: z.literal(paymentShareChargedV1.name), payload: paymentShareChargedV1.payload }),
  z.object({ name: z.literal(paymentShareChargeFailedV1.name), payload: paymentShareChargeFailedV1.payload }),
  z.object({ name: z.literal(paymentShareRefundedV1.name), payload: paymentShareRefundedV1.payload }),
  z.object({ name: z.literal(paymentShareReleasedV1.name), payload: paymentShareReleasedV1.payload }),
])

export const shareReplyConsumerPlugin = fp(
  async (app) => {
    const log = app.log.child({ component: SHARE_REPLIES_CONSUMER })
    const { payments } = app.partyDomain
    const consumer = await consume({
      connection: app.partyAmqp,
      db: app.partyDb,
      registry: app.metrics,
      logger: log,
      consumer: SHARE_REPLIES_CONSUMER,
      events: SHARE_PAYMENT_REPLIES.map((r) => r.name),
      schema: replySchema,
      transactionOptions: PARTY_LOCK_TRANSACTION,
      handler: async ({ envelope }, tx) => {
        switch (envelope.name) {
          case paymentShareChargedV1.name:
            return payments.charged(tx, envelope.payload)
          case paymentShareChargeFailedV1.name:
            return payments.chargeFailed(tx, envelope.payload)
          case paymentShareRefundedV1.name:
            return payments.refunded(tx, envelope.payload)
          case paymentShareReleasedV1.name:
            return payments.released(tx, envelope.payload)
        }
      },
    })
    app.addHook('onClose', async () => consumer.stop())
  },
  {
    name: 'party-share-reply-consumer',
    fastify: '5.x',
    dependencies: ['party-database', 'party-outbox-relay', 'party-domain'],
  },
)
