// The generated Prisma client types the domain works with.
import type { PrismaClient } from '../generated/prisma/client.ts'
import type { TransactionClient } from '../generated/prisma/internal/prismaNamespace.ts'

export type PaymentDb = InstanceType<typeof PrismaClient>
export type PaymentTx = TransactionClient
