// What the gateway knows of deals from the events it hears, so that it can answer a purchase it
// knows the order service would refuse without forwarding it: a deal sold out (the order
// service's stock events) or not open (the catalog's deal snapshots). The order service stays the
// stock truth: a deal the gateway knows nothing of, or has forgotten, is always forwarded.
import { LRUCache } from 'lru-cache'
import type { DealSnapshot } from '@deals/contracts'

export type EdgeRefusal = 'SOLD_OUT' | 'DEAL_NOT_OPEN'

interface DealTerms {
  version: number
  status: DealSnapshot['status']
  startsAt: number
  endsAt: number
}

interface StockNews {
  soldOut: boolean
  /** When the order service saw it happen; older news never overrides newer. */
  at: number
}

/** Statuses under which the order service takes orders between startsAt and endsAt. */
const SELLING = new Set<DealSnapshot['status']>(['SCHEDULED', 'OPEN'])

export class DealEdgeState {
  readonly #terms: LRUCache<string, DealTerms>
  readonly #stock: LRUCache<string, StockNews>

  constructor(maxDeals = 100_000) {
    this.#terms = new LRUCache({ max: maxDeals })
    this.#stock = new LRUCache({ max: maxDeals })
  }

  /** A catalog snapshot; one older than (or as old as) the one kept is dropped. */
  applyDeal(deal: Pick<DealSnapshot, 'dealId' | 'version' | 'status' | 'startsAt' | 'endsAt'>): void {
    const known = this.#terms.peek(deal.dealId)
    if (known && known.version >= deal.version) return
    this.#terms.set(deal.dealId, {
      version: deal.version,
      status: deal.status,
      startsAt: Date.parse(deal.startsAt),
      endsAt: Date.parse(deal.endsAt),
    })
  }

  applySoldOut(dealId: string, at: number): void {
    const known = this.#stock.peek(dealId)
    if (!known || at > known.at) this.#stock.set(dealId, { soldOut: true, at })
  }

  /** On a tie with a sold-out, the restock wins: forwarding is the side that cannot be wrong. */
  applyRestocked(dealId: string, at: number): void {
    const known = this.#stock.peek(dealId)
    if (!known || at >= known.at) this.#stock.set(dealId, { soldOut: false, at })
  }

  /** Drops everything, for when events may have been missed (the broker connection went away). */
  forget(): void {
    this.#terms.clear()
    this.#stock.clear()
  }

  /**
   * The refusal the order service would answer for this deal now, if the gateway knows it; the
   * not-open rule is the reservation script's (status, then the deal's window).
   */
  refusal(dealId: string, now: number): EdgeRefusal | undefined {
    const terms = this.#terms.get(dealId)
    if (terms && (!SELLING.has(terms.status) || now < terms.startsAt || now >= terms.endsAt))
      return 'DEAL_NOT_OPEN'
    if (this.#stock.get(dealId)?.soldOut) return 'SOLD_OUT'
    return undefined
  }
}
