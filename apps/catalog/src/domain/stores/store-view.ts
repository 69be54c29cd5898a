// How a store is shown.
import type { Store } from '../../generated/prisma/client.ts'

export interface StoreView {
  id: string
  sellerId: string
  name: string
  description: string
  /** The seller's first store: products listed without a store go here. */
  isDefault: boolean
  followerCount: number
  createdAt: string
  updatedAt: string
}

export const storeView = (row: Store): StoreView => ({
  id: row.id,
  sellerId: row.sellerId,
  name: row.name,
  description: row.description,
  isDefault: row.isDefault === true,
  followerCount: row.followerCount,
  createdAt: row.createdAt.toISOString(),
  updatedAt: row.updatedAt.toISOString(),
})
