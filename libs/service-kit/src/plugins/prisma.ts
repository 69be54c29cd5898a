// Builds a service's Prisma client on the node-postgres driver adapter. Each service wraps it
// in its own named plugin, because Fastify decorator types are global across the workspace's
// typecheck: two services decorating one name (`db`) with different clients would clash.
import { PrismaPg } from '@prisma/adapter-pg'
import type pg from 'pg'

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
  /**
   * A node-postgres pool the client runs on, shared with the service's own SQL where Prisma's
   * per-query cost matters (a hot path); its owner ends it after `$disconnect()`.
   */
  pool?: pg.Pool
}

/** Creates the client; the caller decorates it under a typed name of its own. */
export function createPrismaClient<C extends PrismaLike>({
  databaseUrl,
  createClient,
  poolSize = 10,
  pool,
}: PrismaPluginOptions<C>): C {
  return createClient(new PrismaPg(pool ?? { connectionString: databaseUrl, max: poolSize }))
}
