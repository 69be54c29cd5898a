// What an upstream learns about a forwarded request: only what the gateway asserts. Client-sent
// identity, signature and forwarding headers are dropped, the credential is not passed on, and
// the verified identity is added with the gateway's signature.
import { randomUUID } from 'node:crypto'
import type { FastifyRequest } from 'fastify'
import type { IncomingHttpHeaders } from 'node:http'
import { ASSERTED_HEADER_NAMES, signIdentityHeaders } from '@deals/service-kit'

// The kit's server sets `requestIdHeader`, so Fastify takes a client's id as it is; only a sane
// one is passed on to the services' logs.
const SANE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/
const requestIdOf = (request: FastifyRequest) =>
  SANE_REQUEST_ID.test(request.id) ? request.id : randomUUID()

const DROPPED = new Set([...ASSERTED_HEADER_NAMES, 'authorization', 'forwarded', 'x-request-id'])

/** Headers the gateway sets on every forwarded request, HTTP or WebSocket. */
export function assertedHeaders(request: FastifyRequest, signingSecret: string): Record<string, string> {
  return {
    ...signIdentityHeaders(signingSecret, request.identity),
    'x-request-id': requestIdOf(request),
    'x-forwarded-for': request.ip,
    'x-forwarded-proto': request.protocol,
    'x-forwarded-host': request.host,
  }
}

export function rewriteForwardedHeaders(signingSecret: string) {
  return (request: FastifyRequest, headers: IncomingHttpHeaders): IncomingHttpHeaders => {
    for (const name of Object.keys(headers)) {
      if (DROPPED.has(name) || name.startsWith('x-forwarded-')) delete headers[name]
    }
    return Object.assign(headers, assertedHeaders(request, signingSecret))
  }
}
