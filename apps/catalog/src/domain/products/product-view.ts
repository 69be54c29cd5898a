// How a product is shown: the shape every product route and the seller API answer with.
import type { Product } from '../../generated/prisma/client.ts'

export interface ProductView {
  id: string
  sellerId: string
  storeId: string
  categoryId: string | null
  name: string
  description: string
  /** Regular price in whole won. */
  price: number
  status: 'ACTIVE' | 'DELETED'
  likeCount: number
  createdAt: string
  updatedAt: string
}

export const productView = (row: Product): ProductView => ({
  id: row.id,
  sellerId: row.sellerId,
  storeId: row.storeId,
  categoryId: row.categoryId,
  name: row.name,
  description: row.description,
  price: row.price,
  status: row.status,
  likeCount: row.likeCount,
  createdAt: row.createdAt.toISOString(),
  updatedAt: row.updatedAt.toISOString(),
})
