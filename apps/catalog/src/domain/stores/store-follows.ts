// Buyers follow stores. Following twice or unfollowing a store not followed changes nothing; the
// store's follower count moves, and an event is written, only when a follow row really appears
// or disappears, so concurrent requests keep the count equal to the rows.
import { enqueue } from '@deals/messaging'
import { storeFollowedV1, storeUnfollowedV1 } from '@deals/contracts'
import { Prisma } from '../../generated/prisma/client.ts'
import { HOT_ROW_TRANSACTION, type CatalogDb, type CatalogTx } from '../database.ts'
import { inOrderOf } from '../search/in-order.ts'
import { pageFrom, type Page, type PageRequest } from '../search/page.ts'
import { decodeTimestampCursor, isoMicros } from '../search/timestamp-cursor.ts'
import { StoreNotFound } from './store-errors.ts'
import { storeView, type StoreView } from './store-view.ts'

export interface FollowState {
  storeId: string
  following: boolean
  followerCount: number
}

export type FollowedStore = StoreView & { followedAt: string }

export class StoreFollows {
  constructor(private readonly db: CatalogDb) {}

  async follow(userId: string, storeId: string): Promise<FollowState> {
    return this.db.$transaction(async (tx) => {
      const store = await tx.store.findUnique({ where: { id: storeId }, select: { followerCount: true } })
      if (!store) throw StoreNotFound()
      const { count } = await tx.storeFollow.createMany({ data: [{ storeId, userId }], skipDuplicates: true })
      if (count === 0) return { storeId, following: true, followerCount: store.followerCount }
      await enqueue(tx, {
        name: storeFollowedV1.name,
        payload: storeFollowedV1.payload.parse({ userId, storeId }),
      })
      // The count's row lock is taken last, so concurrent followers hold it only until their commit.
      return { storeId, following: true, followerCount: await this.moveFollowerCount(tx, storeId, 1) }
    }, HOT_ROW_TRANSACTION)
  }

  async unfollow(userId: string, storeId: string): Promise<FollowState> {
    return this.db.$transaction(async (tx) => {
      const store = await tx.store.findUnique({ where: { id: storeId }, select: { followerCount: true } })
      if (!store) throw StoreNotFound()
      const { count } = await tx.storeFollow.deleteMany({ where: { storeId, userId } })
      if (count === 0) return { storeId, following: false, followerCount: store.followerCount }
      await enqueue(tx, {
        name: storeUnfollowedV1.name,
        payload: storeUnfollowedV1.payload.parse({ userId, storeId }),
      })
      return { storeId, following: false, followerCount: await this.moveFollowerCount(tx, storeId, -1) }
    }, HOT_ROW_TRANSACTION)
  }

  private async moveFollowerCount(tx: CatalogTx, storeId: string, by: 1 | -1): Promise<number> {
    const updated = await tx.store.update({
      where: { id: storeId },
      data: { followerCount: { increment: by } },
      select: { followerCount: true },
    })
    return updated.followerCount
  }

  /** The stores a user follows, most recently followed first. */
  async following(userId: string, page: PageRequest): Promise<Page<FollowedStore>> {
    const after = page.cursor ? decodeTimestampCursor(page.cursor) : undefined
    const keys = await this.db.$queryRaw<{ id: string; at: string }[]>`
      SELECT store_id::text AS id, ${isoMicros('created_at')} AS at
      FROM store_follows
      WHERE user_id = ${userId}::uuid
        ${after ? Prisma.sql`AND (created_at, store_id) < (${after.at}::timestamptz, ${after.id}::uuid)` : Prisma.empty}
      ORDER BY created_at DESC, store_id DESC
      LIMIT ${page.limit + 1}`
    const stores = await this.db.store.findMany({ where: { id: { in: keys.map((k) => k.id) } } })
    const followedAt = new Map(keys.map((k) => [k.id, k.at]))
    const rows = inOrderOf(
      keys.map((k) => k.id),
      stores,
    )
    return pageFrom(
      rows,
      page.limit,
      (row) => ({ ...storeView(row), followedAt: followedAt.get(row.id)! }),
      (row) => ({ at: followedAt.get(row.id)!, id: row.id }),
    )
  }
}
