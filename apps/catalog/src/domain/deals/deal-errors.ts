// Errors of the deal use cases, shared by the buyer-facing routes and the seller API.
import { defineError } from '@deals/service-kit'

/** Also the answer for a deal the caller may not see: its existence is not revealed. */
export const DealNotFound = defineError('DEAL_NOT_FOUND', 404, 'No such deal')
export const DealSlotTaken = defineError(
  'DEAL_SLOT_TAKEN',
  409,
  'Another deal of this product overlaps these times',
)
export const DealNotEditable = defineError(
  'DEAL_NOT_EDITABLE',
  409,
  'Only a deal that is hidden or scheduled can be changed',
)
export const DealNotSuspendable = defineError(
  'DEAL_NOT_SUSPENDABLE',
  409,
  'Only a hidden, scheduled or open deal can be suspended',
)
export const DealNotSuspended = defineError('DEAL_NOT_SUSPENDED', 409, 'The deal is not suspended')
export const DealSuspendedByAdmin = defineError(
  'DEAL_SUSPENDED_BY_ADMIN',
  403,
  'An administrator suspended this deal; only an administrator can resume it',
)
export const SellerAccountRequired = defineError(
  'SELLER_ACCOUNT_REQUIRED',
  403,
  'Only an approved seller can book deals',
)
