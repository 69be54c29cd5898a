// Browsers cannot set headers on a WebSocket handshake or an EventSource request, so for those
// two the access token may come in the `access_token` query parameter. It is never forwarded.
import type { FastifyRequest } from 'fastify'

const QUERY_TOKEN = 'access_token'

const isStream = (request: FastifyRequest) =>
  request.headers.upgrade?.toLowerCase() === 'websocket' ||
  (request.headers.accept ?? '').includes('text/event-stream')

/** The token of a streaming GET that carries it in its query, else undefined. */
export function queryToken(request: FastifyRequest): string | undefined {
  if (request.method !== 'GET' || !isStream(request)) return undefined
  const value = (request.query as Record<string, unknown> | undefined)?.[QUERY_TOKEN]
  return typeof value === 'string' && value !== '' ? value : undefined
}

/** The request's query string without the token, for the forwarded URL. */
export function forwardedQuery(requestUrl: string): string {
  const start = requestUrl.indexOf('?')
  if (start < 0) return ''
  const params = new URLSearchParams(requestUrl.slice(start + 1))
  params.delete(QUERY_TOKEN)
  return params.toString()
}
