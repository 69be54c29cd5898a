// The buyer's cart and its checkout. A cart line is a purchase from a time deal, so the item id in
// `/cart/items/{dealId}` is the deal's id (the public contract's `/cart/items/:productId` path
// with the deal in that place).
import { z } from 'zod'
import { dealStatusSchema, paymentMethodSchema, problemSchema } from '@deals/contracts'
import { problemResponses } from '@deals/service-kit'

const cartSchema = z.object({
  items: z.array(
    z.object({
      dealId: z.uuid(),
      quantity: z.number().int(),
      productId: z.uuid(),
      productName: z.string(),
      unitPrice: z.number().int(),
      regularPrice: z.number().int(),
      amount: z.number().int(),
      dealStatus: dealStatusSchema,
      perUserLimit: z.number().int(),
      startsAt: z.iso.datetime(),
      endsAt: z.iso.datetime(),
      purchasable: z.boolean(),
    }),
  ),
  totalAmount: z.number().int(),
  /** 14 days after this read or change, unless touched again. */
  expiresAt: z.iso.datetime(),
})

const itemParams = z.object({ dealId: z.uuid() })

export const getCartSchema = {
  tags: ['cart'],
  summary: 'My cart, priced from the deals as they are now (kept 14 days from the last touch)',
  response: { 200: cartSchema, ...problemResponses(401) },
}

export const putCartItemSchema = {
  tags: ['cart'],
  summary: 'Put a deal in my cart, or change its quantity (1 to the deal’s per-buyer limit)',
  description:
    'The item id is the time deal’s id. A cart holds at most 50 lines (409 CART_FULL); a quantity ' +
    'over the per-buyer limit is 409 PURCHASE_LIMIT_EXCEEDED; an ended deal is 409 DEAL_NOT_OPEN.',
  params: itemParams,
  body: z.strictObject({ quantity: z.number().int().min(1).max(100) }),
  response: { 200: cartSchema, ...problemResponses(400, 401, 404, 409, 413, 415) },
}

export const deleteCartItemSchema = {
  tags: ['cart'],
  summary: 'Take a deal out of my cart (nothing happens if it is not there)',
  params: itemParams,
  response: { 200: cartSchema, ...problemResponses(400, 401) },
}

const lineResultSchema = z.discriminatedUnion('outcome', [
  z.object({
    dealId: z.uuid(),
    quantity: z.number().int(),
    outcome: z.literal('ORDERED'),
    orderId: z.uuid(),
    status: z.string(),
  }),
  z.object({
    dealId: z.uuid(),
    quantity: z.number().int(),
    outcome: z.literal('REFUSED'),
    problem: problemSchema,
  }),
])

export const checkoutSchema = {
  tags: ['cart'],
  summary: 'Order the lines of my cart: one order per line, placed like POST /',
  description:
    'Each line is placed as POST / would place it (stock, per-buyer limit, admission, SOLD_OUT) and ' +
    'answered on its own: ORDERED with the order, or REFUSED with the problem POST / would have ' +
    'answered. Lines that became orders leave the cart; the others stay. Needs an ' +
    'Idempotency-Key: a retry with the same key and body gets the first answer, and lines ordered ' +
    'by an earlier attempt are not ordered twice.',
  headers: z.object({
    'idempotency-key': z
      .string()
      .min(1)
      .max(200)
      .regex(/^[\x21-\x7e]+$/, 'printable ASCII without spaces'),
  }),
  body: z.strictObject({
    items: z
      .array(z.uuid())
      .min(1)
      .max(50)
      .refine((ids) => new Set(ids).size === ids.length, 'each deal once')
      .optional(),
    paymentMethod: paymentMethodSchema,
    addressId: z.uuid().optional(),
  }),
  response: {
    200: z.object({ results: z.array(lineResultSchema) }),
    ...problemResponses(400, 401, 409, 413, 415, 422),
  },
}
