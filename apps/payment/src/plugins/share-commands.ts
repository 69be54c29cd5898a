// Consumes the party service's share payment commands (charge, refund, release) through
// @deals/messaging's inbox: each message is applied once, in one transaction with its reply.
import fp from 'fastify-plugin'
import { z } from 'zod'
import { consume, type Consumer } from '@deals/messaging'
import {
  paymentShareChargeRequestedV1,
  paymentShareRefundRequestedV1,
  paymentShareReleaseRequestedV1,
  SHARE_PAYMENT_COMMANDS,
} from '@deals/contracts'

export const SHARE_COMMANDS_CONSUMER = 'payment.share-commands'

const commandSchema = z.discriminatedUnion('name', [
  z.object({
    name: z.literal(paymentShareChargeRequestedV1.name),
    payload: paymentShareChargeRequestedV1.payload,
  }),
  z.object({
    name: z.literal(paymentShareRefundRequestedV1.name),
    payload: paymentShareRefundRequestedV1.payload,
  }),
  z.object({
    name: z.literal(paymentShareReleaseRequestedV1.name),
    payload: paymentShareReleaseRequestedV1.payload,
  }),
])

export const shareCommandsPlugin = fp(
  async (app) => {
    const { shares } = app.paymentDomain
    let consumer: Consumer | undefined
    app.addHook('onReady', async () => {
      consumer = await consume({
        connection: app.paymentAmqp,
        db: app.paymentDb,
        consumer: SHARE_COMMANDS_CONSUMER,
        events: SHARE_PAYMENT_COMMANDS.map((c) => c.name),
        schema: commandSchema,
        handler: async ({ envelope }, tx) => {
          switch (envelope.name) {
            case paymentShareChargeRequestedV1.name:
              return shares.charge(tx, envelope.payload)
            case paymentShareRefundRequestedV1.name:
              return shares.refund(tx, envelope.payload)
            case paymentShareReleaseRequestedV1.name:
              return shares.release(tx, envelope.payload)
          }
        },
        transactionOptions: { maxWait: 15_000, timeout: 15_000 },
        registry: app.metrics,
        logger: app.log.child({ component: SHARE_COMMANDS_CONSUMER }),
      })
    })
    app.addHook('onClose', async () => {
      await consumer?.stop()
    })
  },
  {
    name: 'payment-share-commands',
    fastify: '5.x',
    dependencies: ['payment-outbox-relay', 'payment-domain'],
  },
)
