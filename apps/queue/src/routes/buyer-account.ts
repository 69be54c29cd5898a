// Who may stand in a waiting room: a signed-in BUYER with a user token. Seller API keys are refused
// (a partner system is not a shopper). Every user token belongs to a verified account: auth refuses
// to sign in an unverified e-mail, so the role check is the verification check here.
import type { FastifyRequest } from 'fastify'
import { Forbidden, requireIdentity } from '@deals/service-kit'
import { ApiKeysCannotQueue } from '../domain/queue-errors.ts'

export async function requireBuyerAccount(request: FastifyRequest): Promise<void> {
  const identity = requireIdentity(request)
  if (identity.apiKeyId) throw ApiKeysCannotQueue()
  if (!identity.roles.includes('BUYER')) throw Forbidden('Requires role BUYER')
}

/** The buyer of a request that passed `requireBuyerAccount`. */
export const buyerId = (request: FastifyRequest): string => requireIdentity(request).userId
