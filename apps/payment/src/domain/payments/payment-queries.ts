// Reading payments: a buyer's own, newest first (optionally of one order), and one payment for its
// buyer or an admin; anyone else is told it does not exist. For operators: any payments by state,
// or the stuck ones (a provider step unfinished long after the payment last changed), and the
// stuck counts behind the `payment_payments_stuck` gauge.
import { z } from 'zod'
import { decodeCursor, encodeCursor } from '@deals/service-kit'
import type { Identity } from '@deals/contracts'
import type { Payment, PaymentState, Prisma } from '../../generated/prisma/client.ts'
import type { PaymentDb } from '../database.ts'
import { PaymentNotFound } from './payment-errors.ts'
import { PROVIDER_STEP_JOBS } from './pg-jobs.ts'

export interface PaymentView {
  id: string
  orderId: string
  userId: string
  sellerId: string
  amount: number
  method: Payment['method']
  state: Payment['state']
  productName: string
  payBy: string | null
  redirectUrl: string | null
  failureCode: string | null
  refundedAmount: number
  createdAt: string
  paidAt: string | null
  failedAt: string | null
  refundedAt: string | null
  voidedAt: string | null
}

const iso = (d: Date | null) => (d ? d.toISOString() : null)

export function paymentView(p: Payment): PaymentView {
  return {
    id: p.id,
    orderId: p.orderId,
    userId: p.userId,
    sellerId: p.sellerId,
    amount: p.amount,
    method: p.method,
    state: p.state,
    productName: p.productName,
    payBy: iso(p.payBy),
    redirectUrl: p.redirectUrl,
    failureCode: p.failureCode,
    refundedAmount: p.refundedAmount,
    createdAt: p.createdAt.toISOString(),
    paidAt: iso(p.paidAt),
    failedAt: iso(p.failedAt),
    refundedAt: iso(p.refundedAt),
    voidedAt: iso(p.voidedAt),
  }
}

/** What operators see: the payment, when it last changed, and whether it is stuck. */
export interface AdminPaymentView extends PaymentView {
  updatedAt: string
  stuck: boolean
}

export interface AdminPaymentQuery {
  limit: number
  cursor?: string | undefined
  state?: PaymentState | undefined
  stuck?: boolean | undefined
}

type Page<T> = { items: T[]; nextCursor: string | null }

const cursorShape = { id: z.uuid() }

/** The states only a provider job moves a payment out of. */
const PROVIDER_STEP_STATES = Object.keys(PROVIDER_STEP_JOBS) as PaymentState[]

/** Payment ids are UUIDv7, so id order is creation order; pages run newest first. */
function pageOf<T>(rows: Payment[], limit: number, view: (p: Payment) => T): Page<T> {
  const items = rows.slice(0, limit)
  const last = items.at(-1)
  return {
    items: items.map(view),
    nextCursor: rows.length > limit && last ? encodeCursor({ id: last.id }) : null,
  }
}

export class PaymentQueries {
  constructor(
    private readonly db: PaymentDb,
    /** A provider step that has not moved a payment for this long needs an operator's look. */
    private readonly stuckAfterMs: number,
  ) {}

  async mine(
    userId: string,
    page: { limit: number; cursor?: string | undefined; orderId?: string | undefined },
  ): Promise<Page<PaymentView>> {
    const before = page.cursor ? decodeCursor(page.cursor, cursorShape).id : undefined
    const rows = await this.db.payment.findMany({
      where: {
        userId,
        ...(page.orderId ? { orderId: page.orderId } : {}),
        ...(before ? { id: { lt: before } } : {}),
      },
      orderBy: { id: 'desc' },
      take: page.limit + 1,
    })
    return pageOf(rows, page.limit, paymentView)
  }

  /** Any buyer's payments for operators, newest first, by state or only the stuck ones. */
  async list(query: AdminPaymentQuery, now = new Date()): Promise<Page<AdminPaymentView>> {
    const before = query.cursor ? decodeCursor(query.cursor, cursorShape).id : undefined
    const rows = await this.db.payment.findMany({
      where: {
        AND: [
          query.stuck ? this.stuckWhere(now) : {},
          query.state ? { state: query.state } : {},
          before ? { id: { lt: before } } : {},
        ],
      },
      orderBy: { id: 'desc' },
      take: query.limit + 1,
    })
    return pageOf(rows, query.limit, (p) => this.adminView(p, now))
  }

  adminView(payment: Payment, now = new Date()): AdminPaymentView {
    const stuck =
      PROVIDER_STEP_STATES.includes(payment.state) &&
      payment.updatedAt.getTime() < now.getTime() - this.stuckAfterMs
    return { ...paymentView(payment), updatedAt: payment.updatedAt.toISOString(), stuck }
  }

  async stuckByState(now = new Date()): Promise<{ state: PaymentState; count: number }[]> {
    const groups = await this.db.payment.groupBy({
      by: ['state'],
      where: this.stuckWhere(now),
      _count: { _all: true },
    })
    return groups.map((g) => ({ state: g.state, count: g._count._all }))
  }

  private stuckWhere(now: Date): Prisma.PaymentWhereInput {
    return {
      state: { in: PROVIDER_STEP_STATES },
      updatedAt: { lt: new Date(now.getTime() - this.stuckAfterMs) },
    }
  }

  async visibleTo(identity: Identity, paymentId: string): Promise<PaymentView> {
    const payment = await this.db.payment.findUnique({ where: { id: paymentId } })
    if (!payment || (payment.userId !== identity.userId && !identity.roles.includes('ADMIN')))
      throw PaymentNotFound()
    return paymentView(payment)
  }
}
