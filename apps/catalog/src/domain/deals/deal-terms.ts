// The terms a seller books a deal on, and the rules they must satisfy together with the product
// and the clock: below the regular price, sane limits, a start not too soon, a bounded window.
import { defineError } from '@deals/service-kit'

export const InvalidDealPrice = defineError(
  'INVALID_DEAL_PRICE',
  422,
  'The deal price must be below the product price',
)
export const InvalidDealLimit = defineError(
  'INVALID_DEAL_LIMIT',
  422,
  'The per-user limit must be between 1 and the quantity',
)
export const InvalidDealTimes = defineError('INVALID_DEAL_TIMES', 422, 'The deal times are not allowed')

/** Longest a deal may run. */
export const MAX_DEAL_DURATION_MS = 7 * 24 * 3600 * 1000

export interface DealTerms {
  dealPrice: number
  quantity: number
  perUserLimit: number
  startsAt: Date
  endsAt: Date
  queueRequired: boolean
}

export interface DealTiming {
  /** Shortest time between booking (or changing) a deal and its start. */
  minLeadSeconds: number
  /** How long before its start a deal is announced. */
  announceLeadSeconds: number
}

/** Throws the first rule the terms break against the product's regular price at `now`. */
export function checkDealTerms(terms: DealTerms, regularPrice: number, timing: DealTiming, now: Date): void {
  if (terms.dealPrice >= regularPrice)
    throw InvalidDealPrice(`The deal price must be below the product price (${regularPrice})`)
  if (terms.perUserLimit < 1 || terms.perUserLimit > terms.quantity)
    throw InvalidDealLimit(`The per-user limit must be between 1 and the quantity (${terms.quantity})`)
  const earliest = now.getTime() + timing.minLeadSeconds * 1000
  if (terms.startsAt.getTime() < earliest)
    throw InvalidDealTimes(`startsAt must be at least ${timing.minLeadSeconds} s from now`)
  if (terms.endsAt.getTime() <= terms.startsAt.getTime())
    throw InvalidDealTimes('endsAt must be after startsAt')
  if (terms.endsAt.getTime() - terms.startsAt.getTime() > MAX_DEAL_DURATION_MS)
    throw InvalidDealTimes('A deal may run at most 7 days')
}

/** When a deal starting at `startsAt` is announced: its lead time before the start, never in the past. */
export function announceTime(startsAt: Date, timing: DealTiming, now: Date): Date {
  return new Date(Math.max(now.getTime(), startsAt.getTime() - timing.announceLeadSeconds * 1000))
}
