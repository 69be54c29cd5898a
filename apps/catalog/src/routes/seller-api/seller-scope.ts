// Who may call the seller API: a seller's API key holding the route's scope, or the seller's own
// user token, which holds every scope (an API key can only narrow what its seller may do).
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { ApiKeyScope } from '@deals/contracts'
import { defineError, requireIdentity } from '@deals/service-kit'
import { sellerIdOf } from '../seller-caller.ts'

export const InsufficientScope = defineError(
  'INSUFFICIENT_SCOPE',
  403,
  'This API key does not have the scope this call needs',
)

/** An onRequest hook for seller API routes that need `scope`: checked before the body is. */
export function requireSellerScope(scope: ApiKeyScope) {
  return async (request: FastifyRequest, _reply: FastifyReply) => {
    sellerIdOf(request)
    const { apiKeyId, scopes } = requireIdentity(request)
    if (apiKeyId && !scopes?.includes(scope))
      throw InsufficientScope(`This API key needs the ${scope} scope`, { requiredScope: scope })
  }
}
