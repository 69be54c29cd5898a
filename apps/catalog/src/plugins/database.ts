// The catalog database as a named connection: the generated Prisma client over node-postgres,
// checked by readiness and closed with the app.
import fp from 'fastify-plugin'
import { createPrismaClient } from '@deals/service-kit'
import { PrismaClient } from '../generated/prisma/client.ts'
import type { CatalogDb } from '../domain/database.ts'

declare module 'fastify' {
  interface FastifyInstance {
    catalogDb: CatalogDb
  }
}

export const databasePlugin = fp<{ databaseUrl: string }>(
  async (app, { databaseUrl }) => {
    const db = createPrismaClient({ databaseUrl, createClient: (adapter) => new PrismaClient({ adapter }) })
    await db.$connect()
    app.decorate('catalogDb', db)
    app.addReadinessCheck('postgres', () => db.$queryRawUnsafe('SELECT 1'))
    app.addHook('onClose', async () => {
      await db.$disconnect()
    })
  },
  { name: 'catalog-database', fastify: '5.x', dependencies: ['health'] },
)
