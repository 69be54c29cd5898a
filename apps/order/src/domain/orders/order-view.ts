// How an order is shown to its buyer, its seller and admins.
import type { Order } from '../../generated/prisma/client.ts'

export function orderView(order: Order) {
  const iso = (d: Date | null) => d?.toISOString() ?? null
  return {
    id: order.id,
    userId: order.userId,
    sellerId: order.sellerId,
    dealId: order.dealId,
    productId: order.productId,
    productName: order.productName,
    quantity: order.quantity,
    unitPrice: order.unitPrice,
    amount: order.amount,
    status: order.status,
    paymentMethod: order.paymentMethod,
    addressId: order.addressId,
    cancelReason: order.cancelReason,
    reservationExpiresAt: iso(order.reservationExpiresAt),
    createdAt: order.createdAt.toISOString(),
    updatedAt: order.updatedAt.toISOString(),
    paidAt: iso(order.paidAt),
    shippedAt: iso(order.shippedAt),
    deliveredAt: iso(order.deliveredAt),
    cancelledAt: iso(order.cancelledAt),
    returnReason: order.returnReason,
    returnRejectionReason: order.returnRejectionReason,
    returnRequestedAt: iso(order.returnRequestedAt),
    returnResolvedAt: iso(order.returnResolvedAt),
    /** How the buyer pays: a PG payment's approval page until `payBy` (the reservation deadline). */
    payment: {
      paymentId: order.paymentId,
      redirectUrl: order.paymentRedirectUrl,
      payBy: iso(order.reservationExpiresAt),
    },
    refundedAmount: order.refundedAmount,
    refundedAt: iso(order.refundedAt),
  }
}

export type OrderView = ReturnType<typeof orderView>
