// Publishes the payment outbox (the saga replies and settlement events) to RabbitMQ after
// commit, through @deals/messaging's relay; `app.paymentAmqp` is the connection consumers share.
import fp from 'fastify-plugin'
import pg from 'pg'
import { createOutboxRelay, openAmqpConnection, type AmqpConnection } from '@deals/messaging'

declare module 'fastify' {
  interface FastifyInstance {
    paymentAmqp: AmqpConnection
  }
}

export interface OutboxRelayPluginOptions {
  amqpUrl: string
  databaseUrl: string
  producer: string
}

export const outboxRelayPlugin = fp<OutboxRelayPluginOptions>(
  async (app, { amqpUrl, databaseUrl, producer }) => {
    const logger = app.log.child({ component: 'outbox-relay' })
    const connection = await openAmqpConnection({ url: amqpUrl, name: producer, logger })
    const pool = new pg.Pool({ connectionString: databaseUrl, max: 2 })
    // An idle connection dropped by PostgreSQL (a restart, a failover) is replaced on next use;
    // unheard, the pool's error event would end the process.
    pool.on('error', (err) => logger.warn({ err }, 'idle outbox connection lost'))
    const relay = createOutboxRelay({ connection, pool, producer, logger, registry: app.metrics })
    app.decorate('paymentAmqp', connection)
    relay.start()
    app.addHook('onClose', async () => {
      await relay.stop()
      await connection.close()
      await pool.end()
    })
  },
  { name: 'payment-outbox-relay', fastify: '5.x', dependencies: ['payment-database'] },
)
