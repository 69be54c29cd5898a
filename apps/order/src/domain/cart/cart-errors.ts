// The answers a cart change or checkout can be refused with; codes are part of the public contract.
import { defineError } from '@deals/service-kit'

export const CartFull = defineError('CART_FULL', 409, 'A cart holds at most 50 lines')
export const CartEmpty = defineError('CART_EMPTY', 409, 'There is nothing in the cart to check out')
export const CartLineNotFound = defineError('CART_LINE_NOT_FOUND', 404, 'The cart has no line for this deal')
