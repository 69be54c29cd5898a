// A seller's time deals: book a slot on one of its products, change it while not yet open,
// suspend and resume it, list and read its own. Seller-scoped, so the buyer-facing routes and the
// seller API share these use cases; another seller's deal or product is answered as not found.
// An ADMIN may read, suspend and resume any deal. Each change raises the deal's version, writes
// its event and schedules its next status change in one transaction.
import {
  dealCreatedV1,
  dealResumedV1,
  dealSuspendedV1,
  dealUpdatedV1,
  type DealStatus,
} from '@deals/contracts'
import { decodeCursor } from '@deals/service-kit'
import { z } from 'zod'
import type { Deal } from '../../generated/prisma/client.ts'
import type { CatalogDb, CatalogTx } from '../database.ts'
import { ProductNotFound } from '../products/product-errors.ts'
import { pageFrom, type Page, type PageRequest } from '../search/page.ts'
import {
  DealNotEditable,
  DealNotFound,
  DealNotSuspendable,
  DealNotSuspended,
  DealSuspendedByAdmin,
  SellerAccountRequired,
} from './deal-errors.ts'
import { publishDealEvent } from './deal-events.ts'
import { scheduleNextStep, type DealJobs } from './deal-schedule.ts'
import { checkSlotFree, lockProductSlots } from './deal-slots.ts'
import { statusByTime } from './deal-status.ts'
import { announceTime, checkDealTerms, type DealTerms, type DealTiming } from './deal-terms.ts'
import { dealView, type DealView } from './deal-view.ts'

/** Who acts on a deal: a seller (its own deals) or an admin (any deal). */
export interface DealActor {
  userId: string
  sellerId?: string | undefined
  isAdmin?: boolean | undefined
}

export interface NewDeal extends DealTerms {
  productId: string
}

export type DealPatch = Partial<DealTerms>

export interface OwnDealsQuery extends PageRequest {
  status?: DealStatus | undefined
}

const EDITABLE: readonly DealStatus[] = ['HIDDEN', 'SCHEDULED']
const SUSPENDABLE: readonly DealStatus[] = ['HIDDEN', 'SCHEDULED', 'OPEN']

// Bookings of one product queue on its slot lock; give them time to wait their turn.
const TRANSACTION = { maxWait: 10_000, timeout: 15_000 }

export class DealBook {
  constructor(
    private readonly db: CatalogDb,
    private readonly jobs: DealJobs,
    private readonly timing: DealTiming,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  async book(actor: DealActor, input: NewDeal): Promise<DealView> {
    const sellerId = sellerOf(actor)
    const deal = await this.db.$transaction(async (tx) => {
      await lockProductSlots(tx, input.productId)
      const product = await tx.product.findFirst({
        where: { id: input.productId, sellerId, status: 'ACTIVE' },
      })
      if (!product) throw ProductNotFound()
      const now = this.clock()
      const terms = termsOf(input)
      checkDealTerms(terms, product.price, this.timing, now)
      await checkSlotFree(tx, product.id, terms)
      const created = await tx.deal.create({
        data: {
          ...terms,
          productId: product.id,
          sellerId,
          storeId: product.storeId,
          categoryId: product.categoryId,
          productName: product.name,
          regularPrice: product.price,
          announceAt: announceTime(terms.startsAt, this.timing, now),
        },
      })
      await publishDealEvent(tx, dealCreatedV1, created)
      await scheduleNextStep(tx, this.jobs, created)
      return created
    }, TRANSACTION)
    return dealView(deal, this.clock())
  }

  /** Changes a hidden or scheduled deal; the product's current name and price are taken again. */
  async update(actor: DealActor, dealId: string, patch: DealPatch): Promise<DealView> {
    const sellerId = sellerOf(actor)
    const deal = await this.db.$transaction(async (tx) => {
      const current = await lockedDeal(tx, { id: dealId, sellerId })
      if (!EDITABLE.includes(current.status)) throw DealNotEditable()
      const product = await tx.product.findUniqueOrThrow({ where: { id: current.productId } })
      const now = this.clock()
      const terms = { ...termsOf(current), ...definedOnly(patch) }
      checkDealTerms(terms, product.price, this.timing, now)
      await checkSlotFree(tx, current.productId, terms, current.id)
      const updated = await tx.deal.update({
        where: { id: current.id },
        data: {
          ...terms,
          storeId: product.storeId,
          categoryId: product.categoryId,
          productName: product.name,
          regularPrice: product.price,
          // An announced deal stays announced; a hidden one is announced on its new schedule.
          announceAt:
            current.status === 'HIDDEN' ? announceTime(terms.startsAt, this.timing, now) : current.announceAt,
          version: { increment: 1 },
        },
      })
      await publishDealEvent(tx, dealUpdatedV1, updated)
      await scheduleNextStep(tx, this.jobs, updated)
      return updated
    }, TRANSACTION)
    return dealView(deal, this.clock())
  }

  /** Stops a deal that has not ended; its slot is freed and its pending status change ignored. */
  async suspend(actor: DealActor, dealId: string, reason: string): Promise<DealView> {
    const deal = await this.db.$transaction(async (tx) => {
      const current = await lockedDeal(tx, { id: dealId, ...scopeOf(actor) })
      if (!SUSPENDABLE.includes(current.status)) throw DealNotSuspendable()
      const suspended = await tx.deal.update({
        where: { id: current.id },
        data: {
          status: 'SUSPENDED',
          suspendedBy: actor.userId,
          suspendedReason: reason,
          version: { increment: 1 },
        },
      })
      await publishDealEvent(tx, dealSuspendedV1, suspended)
      return suspended
    }, TRANSACTION)
    return dealView(deal, this.clock())
  }

  /**
   * Puts a suspended deal back to the status its times give (ENDED once its end has passed), if
   * its slot is still free. A deal an admin suspended is resumed by an admin only.
   */
  async resume(actor: DealActor, dealId: string): Promise<DealView> {
    const deal = await this.db.$transaction(async (tx) => {
      const current = await lockedDeal(tx, { id: dealId, ...scopeOf(actor) })
      if (current.status !== 'SUSPENDED') throw DealNotSuspended()
      if (!actor.isAdmin && current.suspendedBy !== actor.userId) throw DealSuspendedByAdmin()
      const status = statusByTime(current, this.clock())
      if (status !== 'ENDED') await checkSlotFree(tx, current.productId, current, current.id)
      const resumed = await tx.deal.update({
        where: { id: current.id },
        data: { status, suspendedBy: null, suspendedReason: null, version: { increment: 1 } },
      })
      await publishDealEvent(tx, dealResumedV1, resumed)
      await scheduleNextStep(tx, this.jobs, resumed)
      return resumed
    }, TRANSACTION)
    return dealView(deal, this.clock())
  }

  /** A deal in any status, to its seller or an admin. */
  async get(actor: DealActor, dealId: string): Promise<DealView> {
    const deal = await this.db.deal.findFirst({ where: { id: dealId, ...scopeOf(actor) } })
    if (!deal) throw DealNotFound()
    return dealView(deal, this.clock())
  }

  /** The seller's deals in every status, latest start first. */
  async listOwn(actor: DealActor, query: OwnDealsQuery): Promise<Page<DealView>> {
    const sellerId = sellerOf(actor)
    const after = query.cursor
      ? decodeCursor(query.cursor, { at: z.iso.datetime(), id: z.uuid() })
      : undefined
    const rows = await this.db.deal.findMany({
      where: {
        sellerId,
        ...(query.status ? { status: query.status } : {}),
        ...(after
          ? {
              OR: [
                { startsAt: { lt: new Date(after.at) } },
                { startsAt: new Date(after.at), id: { lt: after.id } },
              ],
            }
          : {}),
      },
      orderBy: [{ startsAt: 'desc' }, { id: 'desc' }],
      take: query.limit + 1,
    })
    const now = this.clock()
    return pageFrom(
      rows,
      query.limit,
      (row) => dealView(row, now),
      (row) => ({ at: row.startsAt.toISOString(), id: row.id }),
    )
  }
}

function sellerOf(actor: DealActor): string {
  if (!actor.sellerId) throw SellerAccountRequired()
  return actor.sellerId
}

/** What an actor may touch: an admin everything, a seller its own deals, anyone else nothing. */
function scopeOf(actor: DealActor): { sellerId?: string } {
  if (actor.isAdmin) return {}
  return { sellerId: sellerOf(actor) }
}

/**
 * The deal, locked for this transaction: its product's slot lock first (the order every slot
 * change takes), then its row, so a status job racing with this change waits and then finds the
 * version moved on.
 */
async function lockedDeal(tx: CatalogTx, where: { id: string; sellerId?: string }): Promise<Deal> {
  const found = await tx.deal.findFirst({ where, select: { productId: true } })
  if (!found) throw DealNotFound()
  await lockProductSlots(tx, found.productId)
  await tx.$queryRaw`SELECT 1 FROM deals WHERE id = ${where.id}::uuid FOR UPDATE`
  return tx.deal.findUniqueOrThrow({ where: { id: where.id } })
}

function termsOf(source: DealTerms): DealTerms {
  const { dealPrice, quantity, perUserLimit, startsAt, endsAt, queueRequired } = source
  return { dealPrice, quantity, perUserLimit, startsAt, endsAt, queueRequired }
}

function definedOnly(patch: DealPatch): DealPatch {
  return Object.fromEntries(Object.entries(patch).filter(([, value]) => value !== undefined))
}
