// The buyer's wallet: balance, top-ups and ledger entries.
import { z } from 'zod'
import { pageOf, pageQueryShape, problemResponses } from '@deals/service-kit'

export const walletSchema = z.object({
  userId: z.uuid(),
  /** Whole won. */
  balance: z.number().int(),
  updatedAt: z.iso.datetime().nullable(),
})

export const getWalletSchema = {
  tags: ['wallet'],
  summary: 'My wallet balance',
  response: { 200: walletSchema, ...problemResponses(401) },
}

export const chargeWalletSchema = {
  tags: ['wallet'],
  summary: 'Top up my wallet',
  description:
    'Needs an Idempotency-Key: a retry with the same key and body gets the first answer again, byte ' +
    'for byte; the same key with another body is refused with 422; a retry while the first is still ' +
    'running waits briefly, then gets 409.',
  headers: z.object({
    'idempotency-key': z
      .string()
      .min(1)
      .max(255)
      .regex(/^[\x21-\x7e]+$/, 'printable ASCII without spaces'),
  }),
  body: z.strictObject({ amount: z.number().int().positive().max(Number.MAX_SAFE_INTEGER) }),
  response: {
    200: z.object({ transactionId: z.uuid(), amount: z.number().int(), balance: z.number().int() }),
    ...problemResponses(400, 401, 409, 413, 415, 422, 503),
  },
}

export const walletEntrySchema = z.object({
  id: z.uuid(),
  transactionId: z.uuid(),
  kind: z.enum(['TOPUP', 'PAYMENT', 'REFUND', 'SHARE_CHARGE', 'SHARE_REFUND', 'SHARE_RELEASE']),
  /** Positive into the wallet, negative out of it. */
  amount: z.number().int(),
  balanceAfter: z.number().int(),
  paymentId: z.uuid().nullable(),
  createdAt: z.iso.datetime(),
})

export const listWalletEntriesSchema = {
  tags: ['wallet'],
  summary: 'My wallet’s ledger entries, newest first',
  querystring: z.strictObject({ ...pageQueryShape }),
  response: { 200: pageOf(walletEntrySchema), ...problemResponses(400, 401) },
}
