// One product never has two live deals at the same moment (a SUSPENDED deal gives its slot up).
// Every change that can take a slot first takes a transaction-scoped advisory lock on the product,
// so two concurrent bookings cannot both pass the overlap check. An exclusion constraint would say
// this in the schema, but Prisma's schema engine cannot introspect one reliably.
import type { CatalogTx } from '../database.ts'
import { DealSlotTaken } from './deal-errors.ts'

export async function lockProductSlots(tx: CatalogTx, productId: string): Promise<void> {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${`deal-slot:${productId}`}, 0))`
}

/** Throws DEAL_SLOT_TAKEN when another live deal of the product intersects [startsAt, endsAt). */
export async function checkSlotFree(
  tx: CatalogTx,
  productId: string,
  slot: { startsAt: Date; endsAt: Date },
  exceptDealId?: string,
): Promise<void> {
  const overlapping = await tx.deal.findFirst({
    where: {
      productId,
      status: { not: 'SUSPENDED' },
      startsAt: { lt: slot.endsAt },
      endsAt: { gt: slot.startsAt },
      ...(exceptDealId ? { id: { not: exceptDealId } } : {}),
    },
    select: { id: true, startsAt: true, endsAt: true },
  })
  if (overlapping)
    throw DealSlotTaken(
      `Deal ${overlapping.id} of this product runs from ${overlapping.startsAt.toISOString()} ` +
        `to ${overlapping.endsAt.toISOString()}`,
    )
}
