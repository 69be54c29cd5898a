// A seller's sales: the orders of its deals, newest first, filtered by status and by when they
// were placed. A sale shows the order without the buyer's identity or address.
import { z } from 'zod'
import { decodeCursor, encodeCursor } from '@deals/service-kit'
import type { OrderStatus } from '@deals/contracts'
import type { Order } from '../../generated/prisma/client.ts'
import type { OrderDb } from '../database.ts'
import { orderView } from '../orders/order-view.ts'

export interface SalesQuery {
  status?: OrderStatus | undefined
  /** Placed at or after. */
  from?: Date | undefined
  /** Placed before. */
  to?: Date | undefined
  limit: number
  cursor?: string | undefined
}

const cursorShape = { id: z.uuid() }

/** The order as its seller sees it: without the buyer, the address, the reservation and the buyer's payment page. */
export function saleView(order: Order) {
  const {
    id,
    createdAt,
    userId: _buyer,
    addressId: _address,
    sellerId: _seller,
    reservationExpiresAt: _reservation,
    updatedAt: _updated,
    payment: _payment,
    ...sale
  } = orderView(order)
  return { orderId: id, placedAt: createdAt, ...sale }
}

export type SaleView = ReturnType<typeof saleView>

export class SellerSales {
  constructor(private readonly db: OrderDb) {}

  /** Order ids are UUIDv7, so id order is placement order. */
  async list(sellerId: string, query: SalesQuery): Promise<{ items: SaleView[]; nextCursor: string | null }> {
    const after = query.cursor ? decodeCursor(query.cursor, cursorShape).id : undefined
    const rows = await this.db.order.findMany({
      where: {
        sellerId,
        ...(query.status ? { status: query.status } : {}),
        ...(query.from || query.to
          ? {
              createdAt: {
                ...(query.from ? { gte: query.from } : {}),
                ...(query.to ? { lt: query.to } : {}),
              },
            }
          : {}),
        ...(after ? { id: { lt: after } } : {}),
      },
      orderBy: { id: 'desc' },
      take: query.limit + 1,
    })
    const items = rows.slice(0, query.limit)
    const last = items.at(-1)
    return {
      items: items.map(saleView),
      nextCursor: rows.length > query.limit && last ? encodeCursor({ id: last.id }) : null,
    }
  }
}
