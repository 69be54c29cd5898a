// Consumes the purchase saga's commands (charge, refund) through @deals/messaging's inbox: each
// message is applied once, in one transaction with the replies it causes.
import fp from 'fastify-plugin'
import { z } from 'zod'
import { consume, type Consumer } from '@deals/messaging'
import { paymentChargeRequestedV1, paymentRefundRequestedV1 } from '@deals/contracts'

export const SAGA_COMMANDS_CONSUMER = 'payment.saga-commands'

const commandSchema = z.discriminatedUnion('name', [
  z.object({ name: z.literal(paymentChargeRequestedV1.name), payload: paymentChargeRequestedV1.payload }),
  z.object({ name: z.literal(paymentRefundRequestedV1.name), payload: paymentRefundRequestedV1.payload }),
])

export const sagaCommandsPlugin = fp(
  async (app) => {
    const { commands } = app.paymentDomain
    let consumer: Consumer | undefined
    app.addHook('onReady', async () => {
      consumer = await consume({
        connection: app.paymentAmqp,
        db: app.paymentDb,
        consumer: SAGA_COMMANDS_CONSUMER,
        events: [paymentChargeRequestedV1.name, paymentRefundRequestedV1.name],
        schema: commandSchema,
        handler: async ({ envelope }, tx) => {
          if (envelope.name === paymentChargeRequestedV1.name) await commands.charge(tx, envelope.payload)
          else await commands.refund(tx, envelope.payload)
        },
        transactionOptions: { maxWait: 15_000, timeout: 15_000 },
        registry: app.metrics,
        logger: app.log.child({ component: SAGA_COMMANDS_CONSUMER }),
      })
    })
    app.addHook('onClose', async () => {
      await consumer?.stop()
    })
  },
  { name: 'payment-saga-commands', fastify: '5.x', dependencies: ['payment-outbox-relay', 'payment-domain'] },
)
