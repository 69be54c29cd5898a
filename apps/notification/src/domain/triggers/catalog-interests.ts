// Who likes which product and who follows which store, kept from catalog's like and follow
// events. The events carry no version, so each row keeps the time of the event that set it and
// an older event (redelivered late, or overtaken on another queue) never undoes a newer one.
import type { NotificationTx } from '../database.ts'

export interface InterestChange {
  userId: string
  /** The product liked or the store followed. */
  subjectId: string
  active: boolean
  at: Date
}

const TABLES = {
  like: { table: 'product_likes', subject: 'product_id', flag: 'liked' },
  follow: { table: 'store_follows', subject: 'store_id', flag: 'following' },
} as const

export async function applyInterest(
  tx: NotificationTx,
  interest: keyof typeof TABLES,
  change: InterestChange,
): Promise<void> {
  const { table, subject, flag } = TABLES[interest]
  await tx.$executeRawUnsafe(
    `INSERT INTO ${table} (${subject}, user_id, ${flag}, changed_at) VALUES ($1::uuid, $2::uuid, $3, $4)
     ON CONFLICT (${subject}, user_id) DO UPDATE SET ${flag} = EXCLUDED.${flag}, changed_at = EXCLUDED.changed_at
     WHERE ${table}.changed_at <= EXCLUDED.changed_at`,
    change.subjectId,
    change.userId,
    change.active,
    change.at,
  )
}

export async function productLikers(tx: NotificationTx, productId: string): Promise<string[]> {
  const likes = await tx.productLike.findMany({ where: { productId, liked: true }, select: { userId: true } })
  return likes.map((l) => l.userId)
}

export async function storeFollowers(tx: NotificationTx, storeId: string): Promise<string[]> {
  const follows = await tx.storeFollow.findMany({
    where: { storeId, following: true },
    select: { userId: true },
  })
  return follows.map((f) => f.userId)
}
