// Who may create and join parties: a signed-in BUYER with a user token. A seller's API key is a
// partner system, not a person who can meet at a market.
import type { FastifyRequest } from 'fastify'
import { Forbidden, requireIdentity } from '@deals/service-kit'

export async function requireBuyer(request: FastifyRequest): Promise<void> {
  const identity = requireIdentity(request)
  if (identity.apiKeyId || !identity.roles.includes('BUYER'))
    throw Forbidden('Parties are for buyers signed in with their own account')
}
