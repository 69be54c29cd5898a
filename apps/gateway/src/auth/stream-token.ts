// Browsers cannot set headers on a WebSocket handshake or an EventSource request, so for those
// the access token may come in the `access_token` query parameter (streams), or, on a WebSocket,
// as an offered subprotocol `bearer.<jwt>` beside the real one. Neither is ever forwarded.
import type { FastifyRequest } from 'fastify'

const QUERY_TOKEN = 'access_token'
const PROTOCOL_TOKEN_PREFIX = 'bearer.'

const isWebSocket = (request: FastifyRequest) => request.headers.upgrade?.toLowerCase() === 'websocket'
const isStream = (request: FastifyRequest) =>
  isWebSocket(request) || (request.headers.accept ?? '').includes('text/event-stream')

/** The token of a streaming GET that carries it in its query, else undefined. */
export function queryToken(request: FastifyRequest): string | undefined {
  if (request.method !== 'GET' || !isStream(request)) return undefined
  const value = (request.query as Record<string, unknown> | undefined)?.[QUERY_TOKEN]
  return typeof value === 'string' && value !== '' ? value : undefined
}

/** The token a WebSocket handshake offers as the subprotocol `bearer.<jwt>`, else undefined. */
export function protocolToken(request: FastifyRequest): string | undefined {
  if (request.method !== 'GET' || !isWebSocket(request)) return undefined
  const offered = String(request.headers['sec-websocket-protocol'] ?? '').split(',')
  const entry = offered.map((p) => p.trim()).find((p) => p.startsWith(PROTOCOL_TOKEN_PREFIX))
  const token = entry?.slice(PROTOCOL_TOKEN_PREFIX.length)
  return token ? token : undefined
}

/**
 * The subprotocol the gateway agrees to (and offers upstream): the first offered that is not a
 * token, so the token is neither echoed back nor forwarded. A client offering only its token gets
 * none, which browsers refuse: they offer their real protocol beside it.
 */
export function agreedProtocol(offered: Set<string>): string | false {
  for (const protocol of offered) if (!protocol.startsWith(PROTOCOL_TOKEN_PREFIX)) return protocol
  return false
}

/** The request's query string without the token, for the forwarded URL. */
export function forwardedQuery(requestUrl: string): string {
  const start = requestUrl.indexOf('?')
  if (start < 0) return ''
  const params = new URLSearchParams(requestUrl.slice(start + 1))
  params.delete(QUERY_TOKEN)
  return params.toString()
}
