// Buyers' carts in Redis: one hash per buyer (deal id -> quantity), alive 14 days from its last
// read or change. A line is a purchase from a time deal, so it is keyed by the deal; prices and
// status are read from the deal replica when the cart is shown, never stored in the cart.
import { readFileSync } from 'node:fs'
import type { Redis, Result } from 'ioredis'
import type { Deal } from '../../generated/prisma/client.ts'
import type { OrderDb } from '../database.ts'
import { DealNotFound, DealNotOpen, PurchaseLimitExceeded } from '../orders/order-errors.ts'
import { CartFull } from './cart-errors.ts'

export const CART_TTL_SECONDS = 14 * 24 * 3600
export const MAX_CART_LINES = 50

declare module 'ioredis' {
  interface RedisCommander<Context> {
    putCartLine(
      key: string,
      dealId: string,
      quantity: number,
      maxLines: number,
      ttl: number,
    ): Result<number, Context>
  }
}

export interface CartLine {
  dealId: string
  quantity: number
}

export function cartLineView(line: CartLine, deal: Deal, now: Date) {
  return {
    dealId: line.dealId,
    quantity: line.quantity,
    productId: deal.productId,
    productName: deal.productName,
    unitPrice: deal.dealPrice,
    regularPrice: deal.regularPrice,
    amount: deal.dealPrice * line.quantity,
    dealStatus: deal.status,
    perUserLimit: deal.perUserLimit,
    startsAt: deal.startsAt.toISOString(),
    endsAt: deal.endsAt.toISOString(),
    /** Whether an order can be placed now (the deal is open and within its window). */
    purchasable: isOpen(deal, now),
  }
}

export type CartView = {
  items: ReturnType<typeof cartLineView>[]
  totalAmount: number
  expiresAt: string
}

const isOpen = (deal: Deal, now: Date) =>
  (deal.status === 'OPEN' || deal.status === 'SCHEDULED') && deal.startsAt <= now && now < deal.endsAt

export class Carts {
  constructor(
    private readonly redis: Redis,
    private readonly db: OrderDb,
  ) {
    redis.defineCommand('putCartLine', {
      numberOfKeys: 1,
      lua: readFileSync(new URL('./put-cart-line.lua', import.meta.url), 'utf8'),
    })
  }

  /** The cart with each line's deal as it stands now; reading it keeps it alive. */
  async view(userId: string): Promise<CartView> {
    const lines = await this.lines(userId)
    const deals = await this.db.deal.findMany({ where: { id: { in: lines.map((l) => l.dealId) } } })
    const byId = new Map(deals.map((d) => [d.id, d]))
    const now = new Date()
    const items = lines.flatMap((line) => {
      const deal = byId.get(line.dealId)
      return deal ? [cartLineView(line, deal, now)] : []
    })
    return {
      items,
      totalAmount: items.reduce((sum, item) => sum + item.amount, 0),
      expiresAt: new Date(now.getTime() + CART_TTL_SECONDS * 1000).toISOString(),
    }
  }

  /** Sets a line's quantity (adding the line if new): 1..the deal's per-buyer limit, 50 lines at most. */
  async put(userId: string, dealId: string, quantity: number): Promise<CartView> {
    const deal = await this.db.deal.findUnique({ where: { id: dealId } })
    if (!deal) throw DealNotFound()
    if (deal.status === 'ENDED' || deal.status === 'HIDDEN' || deal.endsAt <= new Date())
      throw DealNotOpen('The deal has ended')
    if (quantity > deal.perUserLimit)
      throw PurchaseLimitExceeded(`At most ${deal.perUserLimit} per buyer`, {
        perUserLimit: deal.perUserLimit,
      })
    const set = await this.redis.putCartLine(
      cartKey(userId),
      dealId,
      quantity,
      MAX_CART_LINES,
      CART_TTL_SECONDS,
    )
    if (set === 0) throw CartFull()
    return this.view(userId)
  }

  /** Removes a line; removing one that is not there changes nothing. */
  async remove(userId: string, dealId: string): Promise<CartView> {
    await this.removeLines(userId, [dealId])
    return this.view(userId)
  }

  async lines(userId: string): Promise<CartLine[]> {
    const key = cartKey(userId)
    const [[, fields]] = (await this.redis.multi().hgetall(key).expire(key, CART_TTL_SECONDS).exec()) as [
      [null, Record<string, string>],
    ]
    return Object.entries(fields).map(([dealId, quantity]) => ({ dealId, quantity: Number(quantity) }))
  }

  async removeLines(userId: string, dealIds: readonly string[]): Promise<void> {
    if (dealIds.length === 0) return
    const key = cartKey(userId)
    await this.redis
      .multi()
      .hdel(key, ...dealIds)
      .expire(key, CART_TTL_SECONDS)
      .exec()
  }
}

/** The `{userId}` hash tag keeps a buyer's keys in one cluster slot. */
export const cartKey = (userId: string) => `cart:{${userId}}`
