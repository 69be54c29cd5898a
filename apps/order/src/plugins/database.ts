// The order database as a named connection: the generated Prisma client over node-postgres,
// checked by readiness and closed with the app. The client runs on a pool of its own that the
// order writes of a purchase also use directly (`orderPool`): a batch of them is a few statements
// whose cost through Prisma was twice their cost through node-postgres.
import fp from 'fastify-plugin'
import pg from 'pg'
import { createPrismaClient } from '@deals/service-kit'
import { PrismaClient } from '../generated/prisma/client.ts'
import type { OrderDb } from '../domain/database.ts'

declare module 'fastify' {
  interface FastifyInstance {
    orderDb: OrderDb
    orderPool: pg.Pool
  }
}

export const databasePlugin = fp<{ databaseUrl: string }>(
  async (app, { databaseUrl }) => {
    const pool = new pg.Pool({ connectionString: databaseUrl, max: 10 })
    // An idle client losing its connection (PostgreSQL restarted) must not end the process.
    pool.on('error', (err) => app.log.warn({ err }, 'order database pool lost an idle connection'))
    const db = createPrismaClient({
      databaseUrl,
      pool,
      createClient: (adapter) => new PrismaClient({ adapter }),
    })
    await db.$connect()
    app.decorate('orderDb', db)
    app.decorate('orderPool', pool)
    app.addReadinessCheck('postgres', () => db.$queryRawUnsafe('SELECT 1'))
    app.addHook('onClose', async () => {
      await db.$disconnect()
      await pool.end()
    })
  },
  { name: 'order-database', fastify: '5.x', dependencies: ['health'] },
)
