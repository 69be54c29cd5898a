// Checks the gateway's signature on every request except the operational endpoints, and puts
// the verified identity on the request. Route guards build on it.
import fp from 'fastify-plugin'
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { Identity, Role } from '@deals/contracts'
import { verifyIdentityHeaders } from '../internal-auth.ts'
import { Forbidden, Unauthenticated } from '../errors.ts'

declare module 'fastify' {
  interface FastifyRequest {
    /** The caller as asserted by the gateway; undefined for anonymous calls. */
    identity: Identity | undefined
  }
  interface FastifyContextConfig {
    /** Operational endpoints (health, metrics, JWKS) answer without the gateway's signature. */
    internalAuth?: false
  }
}

export interface CallerOptions {
  signingSecret: string
}

export const callerPlugin = fp<CallerOptions>(
  async (app, { signingSecret }) => {
    app.decorateRequest('identity', undefined)
    app.addHook('onRequest', async (request) => {
      if (request.routeOptions.config?.internalAuth === false) return
      const result = verifyIdentityHeaders(signingSecret, request.headers)
      if (!result.ok) {
        request.log.warn({ reason: result.reason }, 'request refused: not from the gateway')
        throw Unauthenticated('This service is reachable only through the gateway')
      }
      request.identity = result.identity
    })
  },
  { name: 'gateway-caller', fastify: '5.x' },
)

/** The identity of an authenticated user, or 401. */
export function requireIdentity(request: FastifyRequest): Identity {
  if (!request.identity) throw Unauthenticated()
  return request.identity
}

/** A preHandler that lets through only callers holding one of the roles. */
export function requireRole(...roles: Role[]) {
  return async (request: FastifyRequest, _reply: FastifyReply) => {
    const identity = requireIdentity(request)
    if (!identity.roles.some((r) => roles.includes(r))) throw Forbidden(`Requires role ${roles.join(' or ')}`)
  }
}

/** A preHandler for any signed-in user. */
export async function requireUser(request: FastifyRequest, _reply: FastifyReply) {
  requireIdentity(request)
}
