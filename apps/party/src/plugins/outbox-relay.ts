// Publishes the party outbox to RabbitMQ after commit through @deals/messaging's relay;
// `app.partyAmqp` is the connection the market consumer shares.
import fp from 'fastify-plugin'
import pg from 'pg'
import { createOutboxRelay, openAmqpConnection, type AmqpConnection } from '@deals/messaging'

declare module 'fastify' {
  interface FastifyInstance {
    partyAmqp: AmqpConnection
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
    app.decorate('partyAmqp', connection)
    relay.start()
    app.addHook('onClose', async () => {
      await relay.stop()
      await connection.close()
      await pool.end()
    })
  },
  { name: 'party-outbox-relay', fastify: '5.x', dependencies: ['party-database'] },
)
