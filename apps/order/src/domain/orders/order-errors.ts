// The answers a purchase can be refused with; codes are part of the public contract.
import { defineError } from '@deals/service-kit'

export const SoldOut = defineError('SOLD_OUT', 409, 'The deal is sold out')
export const PurchaseLimitExceeded = defineError(
  'PURCHASE_LIMIT_EXCEEDED',
  409,
  'This would take you over the deal’s per-buyer limit',
)
export const AdmissionRequired = defineError(
  'ADMISSION_REQUIRED',
  403,
  'This deal sells through the waiting room: a valid, unused admission token is required',
)
export const DealNotOpen = defineError('DEAL_NOT_OPEN', 409, 'The deal is not open for orders')
export const DealNotFound = defineError('DEAL_NOT_FOUND', 404, 'No such deal')
export const StockRebuilding = defineError(
  'STOCK_REBUILDING',
  503,
  'The deal’s stock is being rebuilt; retry in a moment',
)
export const OrderNotSaved = defineError(
  'ORDER_NOT_SAVED',
  503,
  'The order could not be saved; nothing was reserved, retry in a moment',
)
export const OrderNotFound = defineError('ORDER_NOT_FOUND', 404, 'No such order')
