// Errors of the product use cases, shared by the buyer routes and the seller API.
import { defineError } from '@deals/service-kit'

/** Also the answer for another seller's product: its existence is not revealed. */
export const ProductNotFound = defineError('PRODUCT_NOT_FOUND', 404, 'No such product')
export const UnknownCategory = defineError('UNKNOWN_CATEGORY', 422, 'No category has this id')
