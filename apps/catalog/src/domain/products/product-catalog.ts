// A seller's products: create (in the default store unless one of the seller's stores is named),
// list, read, change and soft-delete. Seller-scoped, so the buyer-facing routes and the seller
// API share these use cases; another seller's product is answered as not found.
import type { CatalogDb, CatalogTx } from '../database.ts'
import { ensureDefaultStore } from '../stores/default-store.ts'
import { StoreNotFound } from '../stores/store-errors.ts'
import { pageFrom, type Page, type PageRequest } from '../search/page.ts'
import { decodeIdCursor } from '../search/id-cursor.ts'
import { ProductNotFound, UnknownCategory } from './product-errors.ts'
import { productView, type ProductView } from './product-view.ts'

export interface NewProduct {
  name: string
  description?: string | undefined
  /** Whole won. */
  price: number
  /** One of the seller's stores; the default store (opened if needed) when omitted. */
  storeId?: string | undefined
  categoryId?: string | null | undefined
}

export interface ProductPatch {
  name?: string | undefined
  description?: string | undefined
  price?: number | undefined
  storeId?: string | undefined
  /** `null` makes the product uncategorised. */
  categoryId?: string | null | undefined
}

export class ProductCatalog {
  constructor(private readonly db: CatalogDb) {}

  async create(sellerId: string, input: NewProduct): Promise<ProductView> {
    return this.db.$transaction(async (tx) => {
      const storeId = input.storeId
        ? await ownStoreId(tx, sellerId, input.storeId)
        : await ensureDefaultStore(tx, sellerId)
      if (input.categoryId) await checkCategory(tx, input.categoryId)
      const row = await tx.product.create({
        data: {
          sellerId,
          storeId,
          categoryId: input.categoryId ?? null,
          name: input.name,
          description: input.description ?? '',
          price: input.price,
        },
      })
      return productView(row)
    })
  }

  /** The seller's products, newest first (ids are time-ordered UUIDv7). */
  async listOwn(sellerId: string, page: PageRequest): Promise<Page<ProductView>> {
    const after = page.cursor ? decodeIdCursor(page.cursor) : undefined
    const rows = await this.db.product.findMany({
      where: { sellerId, status: 'ACTIVE', ...(after ? { id: { lt: after } } : {}) },
      orderBy: { id: 'desc' },
      take: page.limit + 1,
    })
    return pageFrom(rows, page.limit, productView, (row) => ({ id: row.id }))
  }

  /** A listed product, as anyone may see it. */
  async get(id: string): Promise<ProductView> {
    const row = await this.db.product.findFirst({ where: { id, status: 'ACTIVE' } })
    if (!row) throw ProductNotFound()
    return productView(row)
  }

  /** One of the seller's own listed products. */
  async getOwn(sellerId: string, id: string): Promise<ProductView> {
    const row = await this.db.product.findFirst({ where: { id, sellerId, status: 'ACTIVE' } })
    if (!row) throw ProductNotFound()
    return productView(row)
  }

  async update(sellerId: string, id: string, patch: ProductPatch): Promise<ProductView> {
    return this.db.$transaction(async (tx) => {
      const current = await tx.product.findFirst({ where: { id, sellerId, status: 'ACTIVE' } })
      if (!current) throw ProductNotFound()
      if (patch.storeId && patch.storeId !== current.storeId) await ownStoreId(tx, sellerId, patch.storeId)
      if (patch.categoryId) await checkCategory(tx, patch.categoryId)
      const row = await tx.product.update({
        where: { id },
        data: {
          ...(patch.name === undefined ? {} : { name: patch.name }),
          ...(patch.description === undefined ? {} : { description: patch.description }),
          ...(patch.price === undefined ? {} : { price: patch.price }),
          ...(patch.storeId === undefined ? {} : { storeId: patch.storeId }),
          ...(patch.categoryId === undefined ? {} : { categoryId: patch.categoryId }),
        },
      })
      return productView(row)
    })
  }

  /** Soft delete: the row stays for orders and deals that refer to it, hidden from every list. */
  async remove(sellerId: string, id: string): Promise<void> {
    const { count } = await this.db.product.updateMany({
      where: { id, sellerId, status: 'ACTIVE' },
      data: { status: 'DELETED' },
    })
    if (count === 0) throw ProductNotFound()
  }
}

async function ownStoreId(tx: CatalogTx, sellerId: string, storeId: string): Promise<string> {
  const store = await tx.store.findFirst({ where: { id: storeId, sellerId }, select: { id: true } })
  if (!store) throw StoreNotFound()
  return store.id
}

async function checkCategory(tx: CatalogTx, categoryId: string): Promise<void> {
  const category = await tx.category.findUnique({ where: { id: categoryId }, select: { id: true } })
  if (!category) throw UnknownCategory()
}
