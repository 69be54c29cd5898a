// Publishes the auth outbox (user, seller and API key events) to RabbitMQ after commit, through
// @deals/messaging's relay: one LISTENing connection, batches claimed with SKIP LOCKED.
import fp from 'fastify-plugin'
import pg from 'pg'
import { createOutboxRelay, openAmqpConnection } from '@deals/messaging'

export interface OutboxRelayPluginOptions {
  amqpUrl: string
  databaseUrl: string
  producer: string
}

export const outboxRelayPlugin = fp<OutboxRelayPluginOptions>(
  async (app, { amqpUrl, databaseUrl, producer }) => {
    const logger = app.log.child({ component: 'outbox-relay' })
    const connection = await openAmqpConnection({ url: amqpUrl, name: `${producer}-outbox-relay`, logger })
    const pool = new pg.Pool({ connectionString: databaseUrl, max: 2 })
    const relay = createOutboxRelay({ connection, pool, producer, logger })
    relay.start()
    app.addHook('onClose', async () => {
      await relay.stop()
      await connection.close()
      await pool.end()
    })
  },
  { name: 'auth-outbox-relay', fastify: '5.x', dependencies: ['auth-database'] },
)
