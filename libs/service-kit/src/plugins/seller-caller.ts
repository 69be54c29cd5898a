// The calling seller, for SELLER routes and the seller API: a seller's user token (SELLER role and
// the seller id the gateway asserts with it) or one of its API keys, which carries scopes. A
// user token holds every scope: an API key can only narrow what its seller may do.
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { ApiKeyScope } from '@deals/contracts'
import { defineError, Forbidden } from '../errors.ts'
import { requireIdentity } from './caller.ts'

export const InsufficientScope = defineError(
  'INSUFFICIENT_SCOPE',
  403,
  'This API key does not have the scope this call needs',
)

/** The caller's seller id, or 401/403 for callers who are not an approved seller. */
export function sellerIdOf(request: FastifyRequest): string {
  const { roles, sellerId } = requireIdentity(request)
  if (!roles.includes('SELLER') || !sellerId) throw Forbidden('Requires role SELLER')
  return sellerId
}

/** A preHandler that lets through only approved sellers (SELLER role and a seller id). */
export async function requireSeller(request: FastifyRequest, _reply: FastifyReply) {
  sellerIdOf(request)
}

/** A hook for seller API routes that need `scope`; as `onRequest`, it is checked before the body is. */
export function requireSellerScope(scope: ApiKeyScope) {
  return async (request: FastifyRequest, _reply: FastifyReply) => {
    sellerIdOf(request)
    const { apiKeyId, scopes } = requireIdentity(request)
    if (apiKeyId && !scopes?.includes(scope))
      throw InsufficientScope(`This API key needs the ${scope} scope`, { requiredScope: scope })
  }
}
