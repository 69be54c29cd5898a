// Row-level access to payments inside a transaction: insert-or-lock by order (the unique order id
// makes concurrent commands for one order queue behind each other), lock by id, and updates.
import type { Payment, Prisma } from '../../generated/prisma/client.ts'
import type { PaymentTx } from '../database.ts'

export type NewPayment = Pick<
  Payment,
  'id' | 'orderId' | 'userId' | 'sellerId' | 'amount' | 'method' | 'state'
> &
  Partial<Pick<Payment, 'productName' | 'payBy' | 'refundReason' | 'voidedAt'>>

/**
 * Inserts the order's payment unless it has one, and locks the row either way. `created` tells
 * whether this call made it; a concurrent insert for the same order waits for the other
 * transaction and then finds its row.
 */
export async function insertOrLockPayment(
  tx: PaymentTx,
  payment: NewPayment,
): Promise<{ created: boolean; payment: Payment }> {
  const inserted = await tx.$queryRaw<{ id: string }[]>`
    INSERT INTO payments (id, order_id, user_id, seller_id, amount, method, state, product_name, pay_by,
                          refund_reason, voided_at)
    VALUES (${payment.id}::uuid, ${payment.orderId}::uuid, ${payment.userId}::uuid, ${payment.sellerId}::uuid,
            ${payment.amount}, ${payment.method}::"PaymentMethod", ${payment.state}::"PaymentState",
            ${payment.productName ?? ''}, ${payment.payBy ?? null}, ${payment.refundReason ?? null},
            ${payment.voidedAt ?? null})
    ON CONFLICT (order_id) DO NOTHING
    RETURNING id`
  if (inserted.length > 0) return { created: true, payment: await load(tx, payment.id) }
  const existing = await lockPaymentOfOrder(tx, payment.orderId)
  if (!existing) throw new Error(`payment of order ${payment.orderId} vanished`)
  return { created: false, payment: existing }
}

export async function lockPaymentOfOrder(tx: PaymentTx, orderId: string): Promise<Payment | null> {
  const rows = await tx.$queryRaw<{ id: string }[]>`
    SELECT id FROM payments WHERE order_id = ${orderId}::uuid FOR UPDATE`
  return rows[0] ? load(tx, rows[0].id) : null
}

export async function lockPayment(tx: PaymentTx, paymentId: string): Promise<Payment | null> {
  const rows = await tx.$queryRaw<{ id: string }[]>`
    SELECT id FROM payments WHERE id = ${paymentId}::uuid FOR UPDATE`
  return rows[0] ? load(tx, rows[0].id) : null
}

export function updatePayment(
  tx: PaymentTx,
  paymentId: string,
  data: Prisma.PaymentUpdateInput,
): Promise<Payment> {
  return tx.payment.update({ where: { id: paymentId }, data: { ...data, updatedAt: new Date() } })
}

async function load(tx: PaymentTx, paymentId: string): Promise<Payment> {
  return tx.payment.findUniqueOrThrow({ where: { id: paymentId } })
}
