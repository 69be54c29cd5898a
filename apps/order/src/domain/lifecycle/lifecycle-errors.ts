// The answers a step of an order's life can be refused with; codes are part of the public contract.
import { defineError } from '@deals/service-kit'

export const CancelWindowClosed = defineError(
  'CANCEL_WINDOW_CLOSED',
  409,
  'The order can no longer be cancelled: it has shipped, or it was paid more than 24 hours ago',
)
export const ReturnWindowClosed = defineError(
  'RETURN_WINDOW_CLOSED',
  409,
  'A return can be requested only within 24 hours of delivery',
)
export const OrderStatusConflict = defineError(
  'ORDER_STATUS_CONFLICT',
  409,
  'The order’s status does not allow this',
)
export const OrderNotPayable = defineError(
  'ORDER_NOT_PAYABLE',
  409,
  'The order was cancelled before it was paid; the payment is to be refunded',
)
