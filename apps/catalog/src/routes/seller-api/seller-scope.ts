// Who may call the seller API: a seller's API key holding the route's scope, or the seller's own
// user token, which holds every scope (an API key can only narrow what its seller may do).
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { ApiKeyScope } from '@deals/contracts'
import { defineError, Forbidden, requireIdentity } from '@deals/service-kit'

export const InsufficientScope = defineError(
  'INSUFFICIENT_SCOPE',
  403,
  'This API key does not have the scope this call needs',
)

/** A preHandler for seller API routes that need `scope`. */
export function requireSellerScope(scope: ApiKeyScope) {
  return async (request: FastifyRequest, _reply: FastifyReply) => {
    const identity = requireIdentity(request)
    if (!identity.sellerId || !identity.roles.includes('SELLER'))
      throw Forbidden('The seller API is for approved sellers')
    if (identity.apiKeyId && !identity.scopes?.includes(scope))
      throw InsufficientScope(`This API key needs the ${scope} scope`, { requiredScope: scope })
  }
}

/** The calling seller; use behind `requireSellerScope`. */
export function sellerIdOf(request: FastifyRequest): string {
  const { sellerId } = requireIdentity(request)
  if (!sellerId) throw Forbidden('The seller API is for approved sellers')
  return sellerId
}
