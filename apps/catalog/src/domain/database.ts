// The generated Prisma client types the domain works with.
import type { PrismaClient } from '../generated/prisma/client.ts'
import type { TransactionClient } from '../generated/prisma/internal/prismaNamespace.ts'

export type CatalogDb = InstanceType<typeof PrismaClient>
export type CatalogTx = TransactionClient
