// A service's Prisma client (driver adapter over node-postgres) as a named connection: the
// service passes its own generated client class, readiness runs `SELECT 1`, close on shutdown.
import fp from 'fastify-plugin'
import { PrismaPg } from '@prisma/adapter-pg'

export interface PrismaLike {
  $connect(): Promise<void>
  $disconnect(): Promise<void>
  $queryRawUnsafe<T = unknown>(query: string, ...values: unknown[]): Promise<T>
}

export interface PrismaPluginOptions<C extends PrismaLike> {
  databaseUrl: string
  /** The generated client's constructor, e.g. `(adapter) => new PrismaClient({ adapter })`. */
  createClient: (adapter: PrismaPg) => C
  poolSize?: number
}

/** Creates the client; the caller decorates it under a typed name of its own. */
export function createPrismaClient<C extends PrismaLike>({
  databaseUrl,
  createClient,
  poolSize = 10,
}: PrismaPluginOptions<C>): C {
  return createClient(new PrismaPg({ connectionString: databaseUrl, max: poolSize }))
}

export const prismaPlugin = fp<PrismaPluginOptions<PrismaLike>>(
  async (app, options) => {
    const client = createPrismaClient(options)
    await client.$connect()
    app.decorate('db', client)
    app.addReadinessCheck('postgres', () => client.$queryRawUnsafe('SELECT 1'))
    app.addHook('onClose', async () => {
      await client.$disconnect()
    })
  },
  { name: 'prisma', fastify: '5.x', dependencies: ['health'] },
)
