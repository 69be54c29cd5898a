// The calling seller of SELLER-only routes: the role is checked by `sellerOnly`, the seller id
// (asserted by the gateway with the role) read by `sellerIdOf`.
import type { FastifyReply, FastifyRequest } from 'fastify'
import { Forbidden, requireIdentity } from '@deals/service-kit'

/** A preHandler that lets through only approved sellers (SELLER role and a seller id). */
export async function sellerOnly(request: FastifyRequest, _reply: FastifyReply) {
  sellerIdOf(request)
}

export function sellerIdOf(request: FastifyRequest): string {
  const { roles, sellerId } = requireIdentity(request)
  if (!roles.includes('SELLER') || !sellerId) throw Forbidden('Requires role SELLER')
  return sellerId
}
