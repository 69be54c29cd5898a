// The generated Prisma client types the domain works with.
import type { PrismaClient } from '../generated/prisma/client.ts'
import type { TransactionClient } from '../generated/prisma/internal/prismaNamespace.ts'

export type AuthDb = InstanceType<typeof PrismaClient>
export type AuthTx = TransactionClient

/** Serialises concurrent changes to one user's rows (address limit, pending application) inside `tx`. */
export async function lockUser(tx: AuthTx, userId: string): Promise<boolean> {
  const rows = await tx.$queryRawUnsafe<unknown[]>(
    'SELECT 1 FROM users WHERE id = $1::uuid FOR UPDATE',
    userId,
  )
  return rows.length > 0
}
