// Publishes the order outbox (order and stock events) to RabbitMQ after
// commit, through @deals/messaging's relay; `app.orderAmqp` is the connection consumers share.
import fp from 'fastify-plugin'
import pg from 'pg'
import { createOutboxRelay, openAmqpConnection, type AmqpConnection } from '@deals/messaging'

declare module 'fastify' {
  interface FastifyInstance {
    orderAmqp: AmqpConnection
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
    const relay = createOutboxRelay({ connection, pool, producer, logger, registry: app.metrics })
    app.decorate('orderAmqp', connection)
    relay.start()
    app.addHook('onClose', async () => {
      await relay.stop()
      await connection.close()
      await pool.end()
    })
  },
  { name: 'order-outbox-relay', fastify: '5.x', dependencies: ['order-database'] },
)
