// The generated Prisma client types the domain works with.
import type { PrismaClient } from '../generated/prisma/client.ts'
import type { TransactionClient } from '../generated/prisma/internal/prismaNamespace.ts'

export type PartyDb = InstanceType<typeof PrismaClient>
export type PartyTx = TransactionClient

/**
 * Bounds of a transaction that waits for a party's row lock: under a rush for the last places of
 * one party, the joins queue on the lock (and on the pool) well beyond Prisma's 2 s default wait.
 */
export const PARTY_LOCK_TRANSACTION = { maxWait: 15_000, timeout: 15_000 } as const
