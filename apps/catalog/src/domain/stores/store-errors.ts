// Errors of the store use cases.
import { defineError } from '@deals/service-kit'

/** Also the answer for another seller's store when the caller needs to own it. */
export const StoreNotFound = defineError('STORE_NOT_FOUND', 404, 'No such store')
