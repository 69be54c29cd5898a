// The notification database as a named connection: the generated Prisma client over node-postgres,
// checked by readiness and closed with the app.
import fp from 'fastify-plugin'
import { createPrismaClient } from '@deals/service-kit'
import { PrismaClient } from '../generated/prisma/client.ts'
import type { NotificationDb } from '../domain/database.ts'

declare module 'fastify' {
  interface FastifyInstance {
    notificationDb: NotificationDb
  }
}

export const databasePlugin = fp<{ databaseUrl: string }>(
  async (app, { databaseUrl }) => {
    const db = createPrismaClient({ databaseUrl, createClient: (adapter) => new PrismaClient({ adapter }) })
    await db.$connect()
    app.decorate('notificationDb', db)
    app.addReadinessCheck('postgres', () => db.$queryRawUnsafe('SELECT 1'))
    app.addHook('onClose', async () => {
      await db.$disconnect()
    })
  },
  { name: 'notification-database', fastify: '5.x', dependencies: ['health'] },
)
