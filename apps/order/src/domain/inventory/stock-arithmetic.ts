// What a deal's stock must be, given its orders: the truth a rebuild writes back to Redis.
// sold = units of orders paid or beyond (a returned unit is not put back on sale), reserved =
// units of orders awaiting payment, remaining = quantity − sold − reserved; a buyer holds the
// units of every order not cancelled. Cancelled orders that had been paid are listed as returned.
import type { RestoredStock } from './stock-counters.ts'

export interface DealTerms {
  version: number
  status: string
  quantity: number
  perUserLimit: number
  startsAt: Date
  endsAt: Date
  queueRequired: boolean
}

export interface OrderUnits {
  id: string
  userId: string
  quantity: number
  status: string
  reservationExpiresAt: Date | null
  paidAt?: Date | null
}

export function stockFromOrders(deal: DealTerms, orders: readonly OrderUnits[]): RestoredStock {
  let sold = 0
  let reserved = 0
  const holders: Record<string, number> = {}
  const reservations: RestoredStock['reservations'] = []
  const returned: string[] = []
  for (const order of orders) {
    if (order.status === 'CANCELLED') {
      if (order.paidAt) returned.push(order.id)
      continue
    }
    holders[order.userId] = (holders[order.userId] ?? 0) + order.quantity
    if (order.status === 'PENDING_PAYMENT') {
      reserved += order.quantity
      reservations.push({
        id: order.id,
        userId: order.userId,
        quantity: order.quantity,
        deadline: order.reservationExpiresAt?.getTime() ?? 0,
      })
    } else sold += order.quantity
  }
  const quantity = Math.max(deal.quantity, sold + reserved)
  return {
    terms: {
      version: deal.version,
      status: deal.status,
      startsAt: deal.startsAt.getTime(),
      endsAt: deal.endsAt.getTime(),
      queueRequired: deal.queueRequired ? 1 : 0,
      perUserLimit: deal.perUserLimit,
    },
    levels: { quantity, remaining: quantity - sold - reserved, reserved, sold },
    holders,
    reservations,
    returned,
  }
}
