// Publishes the catalog outbox (deal, like, follow, keyword and market events) to RabbitMQ after
// commit, through @deals/messaging's relay; `app.amqp` is the connection consumers share.
import fp from 'fastify-plugin'
import pg from 'pg'
import { createOutboxRelay, openAmqpConnection, type AmqpConnection } from '@deals/messaging'

declare module 'fastify' {
  interface FastifyInstance {
    catalogAmqp: AmqpConnection
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
    app.decorate('catalogAmqp', connection)
    relay.start()
    app.addHook('onClose', async () => {
      await relay.stop()
      await connection.close()
      await pool.end()
    })
  },
  { name: 'catalog-outbox-relay', fastify: '5.x', dependencies: ['catalog-database'] },
)
