// Reading orders: a buyer's own, newest first, and one order for whoever may see it (its buyer,
// the deal's seller, an admin); anyone else is told it does not exist.
import { decodeCursor, encodeCursor } from '@deals/service-kit'
import { z } from 'zod'
import type { Identity, OrderStatus } from '@deals/contracts'
import type { OrderDb } from '../database.ts'
import { OrderNotFound } from './order-errors.ts'
import { orderView, type OrderView } from './order-view.ts'

const cursorShape = { id: z.uuid() }

export class OrderQueries {
  constructor(private readonly db: OrderDb) {}

  /** Order ids are UUIDv7, so id order is creation order. */
  async mine(
    userId: string,
    page: { limit: number; cursor?: string | undefined; status?: OrderStatus | undefined },
  ): Promise<{ items: OrderView[]; nextCursor: string | null }> {
    const after = page.cursor ? decodeCursor(page.cursor, cursorShape).id : undefined
    const rows = await this.db.order.findMany({
      where: {
        userId,
        ...(page.status ? { status: page.status } : {}),
        ...(after ? { id: { lt: after } } : {}),
      },
      orderBy: { id: 'desc' },
      take: page.limit + 1,
    })
    const items = rows.slice(0, page.limit)
    const last = items.at(-1)
    return {
      items: items.map(orderView),
      nextCursor: rows.length > page.limit && last ? encodeCursor({ id: last.id }) : null,
    }
  }

  async visibleTo(identity: Identity, orderId: string): Promise<OrderView> {
    const order = await this.db.order.findUnique({ where: { id: orderId } })
    const allowed =
      order &&
      (order.userId === identity.userId ||
        (identity.sellerId !== undefined && order.sellerId === identity.sellerId) ||
        identity.roles.includes('ADMIN'))
    if (!allowed) throw OrderNotFound()
    return orderView(order)
  }
}
