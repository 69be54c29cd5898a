// Reading payments: a buyer's own, newest first (optionally of one order), and one payment for its
// buyer or an admin; anyone else is told it does not exist.
import { z } from 'zod'
import { decodeCursor, encodeCursor } from '@deals/service-kit'
import type { Identity } from '@deals/contracts'
import type { Payment } from '../../generated/prisma/client.ts'
import type { PaymentDb } from '../database.ts'
import { PaymentNotFound } from './payment-errors.ts'

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

const cursorShape = { id: z.uuid() }

export class PaymentQueries {
  constructor(private readonly db: PaymentDb) {}

  /** Payment ids are UUIDv7, so id order is creation order. */
  async mine(
    userId: string,
    page: { limit: number; cursor?: string | undefined; orderId?: string | undefined },
  ): Promise<{ items: PaymentView[]; nextCursor: string | null }> {
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
    const items = rows.slice(0, page.limit)
    const last = items.at(-1)
    return {
      items: items.map(paymentView),
      nextCursor: rows.length > page.limit && last ? encodeCursor({ id: last.id }) : null,
    }
  }

  async visibleTo(identity: Identity, paymentId: string): Promise<PaymentView> {
    const payment = await this.db.payment.findUnique({ where: { id: paymentId } })
    if (!payment || (payment.userId !== identity.userId && !identity.roles.includes('ADMIN')))
      throw PaymentNotFound()
    return paymentView(payment)
  }
}
