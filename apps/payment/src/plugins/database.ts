// The payment database as a named connection: the generated Prisma client over node-postgres,
// checked by readiness and closed with the app.
import fp from 'fastify-plugin'
import { createPrismaClient } from '@deals/service-kit'
import { PrismaClient } from '../generated/prisma/client.ts'
import type { PaymentDb } from '../domain/database.ts'

declare module 'fastify' {
  interface FastifyInstance {
    paymentDb: PaymentDb
  }
}

export const databasePlugin = fp<{ databaseUrl: string }>(
  async (app, { databaseUrl }) => {
    const db = createPrismaClient({ databaseUrl, createClient: (adapter) => new PrismaClient({ adapter }) })
    await db.$connect()
    app.decorate('paymentDb', db)
    app.addReadinessCheck('postgres', () => db.$queryRawUnsafe('SELECT 1'))
    app.addHook('onClose', async () => {
      await db.$disconnect()
    })
  },
  { name: 'payment-database', fastify: '5.x', dependencies: ['health'] },
)
