// The generated Prisma client types the domain works with.
import type { PrismaClient } from '../generated/prisma/client.ts'
import type { TransactionClient } from '../generated/prisma/internal/prismaNamespace.ts'

export type CatalogDb = InstanceType<typeof PrismaClient>
export type CatalogTx = TransactionClient

/**
 * Options for transactions that queue on one hot row (a popular product's like count): under a
 * burst they wait for a pooled connection and the row lock instead of failing at Prisma's
 * defaults (2 s to start, 5 s to finish): a like that waits is better than a like refused.
 */
export const HOT_ROW_TRANSACTION = { maxWait: 30_000, timeout: 30_000 } as const
