// A deal row as the events carry it (the snapshot of the contract) and as the API shows it, with
// the server's clock so a client's countdown does not depend on the client's own.
import type { DealSnapshot } from '@deals/contracts'
import type { Deal } from '../../generated/prisma/client.ts'

export function dealSnapshot(deal: Deal): DealSnapshot {
  return {
    dealId: deal.id,
    version: deal.version,
    status: deal.status,
    sellerId: deal.sellerId,
    storeId: deal.storeId,
    productId: deal.productId,
    productName: deal.productName,
    categoryId: deal.categoryId,
    dealPrice: deal.dealPrice,
    regularPrice: deal.regularPrice,
    quantity: deal.quantity,
    perUserLimit: deal.perUserLimit,
    startsAt: deal.startsAt.toISOString(),
    endsAt: deal.endsAt.toISOString(),
    queueRequired: deal.queueRequired,
  }
}

export interface DealView extends Omit<DealSnapshot, 'dealId'> {
  id: string
  /** Whole percent off the regular price, rounded down. */
  discountPercent: number
  announceAt: string
  suspendedReason: string | null
  serverTime: string
  /** Seconds until the start (0 once started). */
  secondsToStart: number
  /** Seconds until the end (0 once ended). */
  secondsToEnd: number
  createdAt: string
  updatedAt: string
}

const secondsUntil = (at: Date, now: Date) => Math.max(0, Math.ceil((at.getTime() - now.getTime()) / 1000))

export function dealView(deal: Deal, now: Date): DealView {
  const { dealId, ...snapshot } = dealSnapshot(deal)
  return {
    id: dealId,
    ...snapshot,
    discountPercent: Math.floor(((deal.regularPrice - deal.dealPrice) * 100) / deal.regularPrice),
    announceAt: deal.announceAt.toISOString(),
    suspendedReason: deal.suspendedReason,
    serverTime: now.toISOString(),
    secondsToStart: secondsUntil(deal.startsAt, now),
    secondsToEnd: secondsUntil(deal.endsAt, now),
    createdAt: deal.createdAt.toISOString(),
    updatedAt: deal.updatedAt.toISOString(),
  }
}
