// Forwards a purchase, whose body the gateway holds whole and whose answer is a small JSON
// document, with one undici request: the body goes as the buffer it is and the answer is read
// whole, instead of through @fastify/reply-from's streams both ways (a readable made of the
// buffer, the upstream's body piped into the reply). Same upstream pool, same asserted headers,
// same failures (503/504) as every other forwarded request.
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { Dispatcher } from 'undici'
import type { IncomingHttpHeaders } from 'node:http'

/** An answer bigger than this is not a purchase's: it is refused as an upstream failure. */
const MAX_ANSWER_BYTES = 16 * 1024

// Hop-by-hop headers (RFC 9110 section 7.6.1) and the length Fastify sets again.
const NOT_PASSED_BACK = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'te',
  'trailer',
  'upgrade',
  'content-length',
])

export interface WholeForward {
  agent: Dispatcher
  origin: string
  /** The upstream path, query included. */
  path: string
  /** The request's headers as the upstream must see them. */
  headers: IncomingHttpHeaders
  body: Buffer
  timeoutMs: number
}

export async function forwardWhole(reply: FastifyReply, forward: WholeForward): Promise<FastifyReply> {
  const { agent, origin, path, headers, body, timeoutMs } = forward
  const answer = await agent.request({
    origin,
    path,
    method: 'POST',
    headers: { ...headers, 'content-length': String(body.length) },
    body,
    headersTimeout: timeoutMs,
    bodyTimeout: timeoutMs,
  })
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of answer.body as AsyncIterable<Buffer>) {
    size += chunk.length
    if (size > MAX_ANSWER_BYTES) {
      answer.body.destroy()
      throw Object.assign(new Error(`the upstream answer exceeds ${MAX_ANSWER_BYTES} bytes`), {
        code: 'UPSTREAM_ANSWER_TOO_LARGE',
      })
    }
    chunks.push(chunk)
  }
  reply.code(answer.statusCode)
  for (const [name, value] of Object.entries(answer.headers))
    if (value !== undefined && !NOT_PASSED_BACK.has(name)) reply.header(name, value)
  return reply.send(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size))
}

/**
 * The headers a forwarded request starts from: the client's, as reply-from copies them, without
 * hop-by-hop ones and those the client's Connection header names; the host is the upstream's.
 */
export function clientHeaders(request: FastifyRequest): IncomingHttpHeaders {
  const headers: IncomingHttpHeaders = { ...request.headers }
  const listed = typeof headers.connection === 'string' ? headers.connection.split(',') : []
  for (const name of listed) delete headers[name.trim().toLowerCase()]
  for (const name of NOT_PASSED_BACK) delete headers[name]
  delete headers.host
  return headers
}
