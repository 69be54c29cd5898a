// The order database as a named connection: the generated Prisma client over node-postgres,
// checked by readiness and closed with the app, and beside it the pool of the purchases' order
// writes (`placementPool`): one statement per batch of orders, through node-postgres (half its
// cost through Prisma), on connections of its own that a slow page of sales cannot hold up, each
// statement bounded by PostgreSQL.
import fp from 'fastify-plugin'
import pg from 'pg'
import { createPrismaClient } from '@deals/service-kit'
import { PrismaClient } from '../generated/prisma/client.ts'
import type { OrderDb } from '../domain/database.ts'
import { placementPoolConfig } from '../domain/orders/placement-writes.ts'

declare module 'fastify' {
  interface FastifyInstance {
    orderDb: OrderDb
    placementPool: pg.Pool
  }
}

export const databasePlugin = fp<{ databaseUrl: string; placementConnections: number }>(
  async (app, { databaseUrl, placementConnections }) => {
    const pool = new pg.Pool({ connectionString: databaseUrl, max: 10 })
    const placementPool = new pg.Pool(placementPoolConfig(databaseUrl, placementConnections))
    // An idle client losing its connection (PostgreSQL restarted) must not end the process.
    for (const p of [pool, placementPool])
      p.on('error', (err) => app.log.warn({ err }, 'order database pool lost an idle connection'))
    const db = createPrismaClient({
      databaseUrl,
      pool,
      createClient: (adapter) => new PrismaClient({ adapter }),
    })
    await db.$connect()
    app.decorate('orderDb', db)
    app.decorate('placementPool', placementPool)
    app.addReadinessCheck('postgres', () => db.$queryRawUnsafe('SELECT 1'))
    app.addHook('onClose', async () => {
      await db.$disconnect()
      await Promise.all([pool.end(), placementPool.end()])
    })
  },
  { name: 'order-database', fastify: '5.x', dependencies: ['health'] },
)
