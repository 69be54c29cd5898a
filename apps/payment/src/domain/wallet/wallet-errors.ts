// Refusals of the wallet routes; codes are part of the public contract.
import { defineError } from '@deals/service-kit'

export const TopUpTooLarge = defineError('TOPUP_AMOUNT_TOO_LARGE', 422, 'The top-up is larger than allowed')
