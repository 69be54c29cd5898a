// A seller's default store: the first store it opens, or one opened for it when it lists a product
// without naming a store. A per-seller advisory lock makes "first" hold under concurrent requests.
import type { CatalogTx } from '../database.ts'

export const DEFAULT_STORE_NAME = '기본 스토어'

/** Serialises store creation for one seller until `tx` ends. */
export async function lockSellerStores(tx: CatalogTx, sellerId: string): Promise<void> {
  await tx.$executeRawUnsafe(`SELECT pg_advisory_xact_lock(hashtextextended('stores:' || $1, 0))`, sellerId)
}

/** The seller's default store id, opened with a placeholder name if the seller has no store yet. */
export async function ensureDefaultStore(tx: CatalogTx, sellerId: string): Promise<string> {
  const existing = await tx.store.findFirst({ where: { sellerId, isDefault: true }, select: { id: true } })
  if (existing) return existing.id
  await lockSellerStores(tx, sellerId)
  const store = await tx.store.upsert({
    where: { sellerId_isDefault: { sellerId, isDefault: true } },
    create: { sellerId, name: DEFAULT_STORE_NAME, isDefault: true },
    update: {},
    select: { id: true },
  })
  return store.id
}
