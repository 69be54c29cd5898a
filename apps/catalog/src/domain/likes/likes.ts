// Buyers like products; the liked products are their wishlist. Liking twice or unliking a product
// not liked changes nothing; the like count moves, and an event is written, only when a like row
// really appears or disappears, so concurrent requests keep the count equal to the rows.
import { enqueue } from '@deals/messaging'
import { productLikedV1, productUnlikedV1 } from '@deals/contracts'
import { Prisma } from '../../generated/prisma/client.ts'
import { HOT_ROW_TRANSACTION, type CatalogDb, type CatalogTx } from '../database.ts'
import { ProductNotFound } from '../products/product-errors.ts'
import { productView, type ProductView } from '../products/product-view.ts'
import { inOrderOf } from '../search/in-order.ts'
import { pageFrom, type Page, type PageRequest } from '../search/page.ts'
import { decodeTimestampCursor, isoMicros } from '../search/timestamp-cursor.ts'

export interface LikeState {
  productId: string
  liked: boolean
  likeCount: number
}

export type WishlistItem = ProductView & { likedAt: string }

export class Likes {
  constructor(private readonly db: CatalogDb) {}

  async like(userId: string, productId: string): Promise<LikeState> {
    return this.db.$transaction(async (tx) => {
      // One statement both checks the product is listed and records the like: fewer round trips
      // inside a transaction that may queue behind others on the product's row.
      const inserted = await tx.$executeRaw`
        INSERT INTO product_likes (product_id, user_id)
        SELECT id, ${userId}::uuid FROM products WHERE id = ${productId}::uuid AND status = 'ACTIVE'
        ON CONFLICT DO NOTHING`
      if (inserted === 0) {
        const product = await tx.product.findFirst({
          where: { id: productId, status: 'ACTIVE' },
          select: { likeCount: true },
        })
        if (!product) throw ProductNotFound()
        return { productId, liked: true, likeCount: product.likeCount }
      }
      await enqueue(tx, {
        name: productLikedV1.name,
        payload: productLikedV1.payload.parse({ userId, productId }),
      })
      // The count's row lock is taken last, so concurrent likers hold it only until their commit.
      return { productId, liked: true, likeCount: await this.moveLikeCount(tx, productId, 1) }
    }, HOT_ROW_TRANSACTION)
  }

  /** Also allowed on a deleted product, so a buyer can clear it from the data kept about them. */
  async unlike(userId: string, productId: string): Promise<LikeState> {
    return this.db.$transaction(async (tx) => {
      const product = await tx.product.findUnique({ where: { id: productId }, select: { likeCount: true } })
      if (!product) throw ProductNotFound()
      const { count } = await tx.productLike.deleteMany({ where: { productId, userId } })
      if (count === 0) return { productId, liked: false, likeCount: product.likeCount }
      await enqueue(tx, {
        name: productUnlikedV1.name,
        payload: productUnlikedV1.payload.parse({ userId, productId }),
      })
      return { productId, liked: false, likeCount: await this.moveLikeCount(tx, productId, -1) }
    }, HOT_ROW_TRANSACTION)
  }

  private async moveLikeCount(tx: CatalogTx, productId: string, by: 1 | -1): Promise<number> {
    const updated = await tx.product.update({
      where: { id: productId },
      data: { likeCount: { increment: by } },
      select: { likeCount: true },
    })
    return updated.likeCount
  }

  /** The listed products a user likes, most recently liked first; deleted products are left out. */
  async wishlist(userId: string, page: PageRequest): Promise<Page<WishlistItem>> {
    const after = page.cursor ? decodeTimestampCursor(page.cursor) : undefined
    const keys = await this.db.$queryRaw<{ id: string; at: string }[]>`
      SELECT l.product_id::text AS id, ${isoMicros('l.created_at')} AS at
      FROM product_likes l JOIN products p ON p.id = l.product_id
      WHERE l.user_id = ${userId}::uuid AND p.status = 'ACTIVE'
        ${after ? Prisma.sql`AND (l.created_at, l.product_id) < (${after.at}::timestamptz, ${after.id}::uuid)` : Prisma.empty}
      ORDER BY l.created_at DESC, l.product_id DESC
      LIMIT ${page.limit + 1}`
    const products = await this.db.product.findMany({ where: { id: { in: keys.map((k) => k.id) } } })
    const likedAt = new Map(keys.map((k) => [k.id, k.at]))
    return pageFrom(
      inOrderOf(
        keys.map((k) => k.id),
        products,
      ),
      page.limit,
      (row) => ({ ...productView(row), likedAt: likedAt.get(row.id)! }),
      (row) => ({ at: likedAt.get(row.id)!, id: row.id }),
    )
  }
}
