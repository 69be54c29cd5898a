// Keeps the party service's copy of the markets from catalog's market events, each applied once
// (inbox) in a transaction with the change.
import fp from 'fastify-plugin'
import { z } from 'zod'
import { consume } from '@deals/messaging'
import { marketCreatedV1, marketSnapshotSchema, marketUpdatedV1 } from '@deals/contracts'
import { applyMarketSnapshot } from '../domain/markets/market-replica.ts'

export const MARKET_CONSUMER = 'party.markets'

export const marketConsumerPlugin = fp(
  async (app) => {
    const consumer = await consume({
      connection: app.partyAmqp,
      db: app.partyDb,
      registry: app.metrics,
      logger: app.log.child({ component: 'market-consumer' }),
      consumer: MARKET_CONSUMER,
      events: [marketCreatedV1.name, marketUpdatedV1.name],
      schema: z.object({ payload: marketSnapshotSchema }),
      handler: async (message, tx) => applyMarketSnapshot(tx, message.envelope.payload),
    })
    app.addHook('onClose', async () => consumer.stop())
  },
  { name: 'party-market-consumer', fastify: '5.x', dependencies: ['party-database', 'party-outbox-relay'] },
)
