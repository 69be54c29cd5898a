// Refusals of the payment routes; codes are part of the public contract.
import { defineError } from '@deals/service-kit'

export const PaymentNotFound = defineError('PAYMENT_NOT_FOUND', 404, 'No such payment')
export const PaymentExpired = defineError(
  'PAYMENT_EXPIRED',
  409,
  'The time to approve this payment has passed',
)
export const PaymentNotApprovable = defineError(
  'PAYMENT_NOT_APPROVABLE',
  409,
  'This payment is not waiting for an approval',
)
export const ApprovalInProgress = defineError(
  'APPROVAL_IN_PROGRESS',
  409,
  'An approval of this payment is under way; read the payment again shortly',
)
export const PaymentNotRetryable = defineError(
  'PAYMENT_NOT_RETRYABLE',
  409,
  'This payment is not waiting on a provider step',
)
export const ProviderDeclinedPayment = defineError(
  'PROVIDER_DECLINED',
  422,
  'The payment provider declined the payment',
)
export const ProviderUnavailableNow = defineError(
  'PROVIDER_UNAVAILABLE',
  503,
  'The payment provider did not answer; the approval is checked again automatically',
)
