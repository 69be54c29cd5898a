// WebSocket routes, proxied so that the client hears the upstream's own answer. An upgrade request
// runs through Fastify's routing like any other (authentication, rate limits, the upstream pick);
// then the gateway dials the upstream before it answers the client. An upstream that refuses the
// handshake (a 403 problem for a non-member, say) has its response relayed as it was sent; only an
// accepted upstream gets the client upgraded, and from then on frames, pings and close codes pass
// both ways unchanged.
import { ServerResponse, type IncomingHttpHeaders, type IncomingMessage } from 'node:http'
import type { Duplex } from 'node:stream'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import WebSocket, { WebSocketServer } from 'ws'
import { agreedProtocol } from '../auth/stream-token.ts'

export interface WebSocketProxyOptions {
  /** How long the upstream has to answer the handshake. */
  handshakeTimeoutMs: number
}

/** What came of dialing the upstream: an open socket, or the HTTP response it refused with. */
type Dialed =
  { upstream: WebSocket } | { refusal: { status: number; headers: IncomingHttpHeaders; body: Buffer } }

// Connection-level headers of the upstream's refusal, which describe its connection, not the answer.
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'upgrade', 'content-length'])
const REFUSAL_BODY_LIMIT = 64 * 1024

export const isUpgrade = (request: FastifyRequest) => request.raw.headers.upgrade !== undefined

/**
 * Routes every upgrade request on `app`'s server through Fastify, and returns `forward`, which a
 * route calls once it knows the upstream URL.
 */
export function webSocketProxy(app: FastifyInstance, { handshakeTimeoutMs }: WebSocketProxyOptions) {
  const upgrades = new WeakMap<IncomingMessage, { socket: Duplex; head: Buffer }>()
  const clients = new WebSocketServer({ noServer: true, autoPong: false, handleProtocols: agreedProtocol })

  app.server.on('upgrade', (raw: IncomingMessage, socket: Duplex, head: Buffer) => {
    upgrades.set(raw, { socket, head })
    // A refusal is written as an HTTP response on the socket, which then ends.
    const response = new ServerResponse(raw)
    response.assignSocket(socket as never)
    response.on('finish', () => socket.destroy())
    app.routing(raw, response)
  })
  // The sockets end with the gateway, or the server would wait on them to close.
  app.addHook('preClose', async () => {
    for (const client of clients.clients) client.close(1001, 'gateway shutting down')
  })
  app.addHook('onClose', async () => clients.close())

  function dial(url: string, headers: Record<string, string>, protocols: string[], socket: Duplex) {
    return new Promise<Dialed>((resolve, reject) => {
      const upstream = new WebSocket(url, protocols, {
        headers,
        autoPong: false,
        handshakeTimeout: handshakeTimeoutMs,
        followRedirects: false,
      })
      // A client gone while the upstream answers leaves no upstream socket behind.
      const clientGone = () => upstream.terminate()
      socket.once('close', clientGone)
      upstream.on('error', (error) => {
        socket.off('close', clientGone)
        reject(error)
      })
      upstream.once('open', () => {
        socket.off('close', clientGone)
        resolve({ upstream })
      })
      upstream.once('unexpected-response', (request, response) => {
        socket.off('close', clientGone)
        readRefusal(response).then(
          (refusal) => {
            request.destroy()
            resolve({ refusal })
          },
          (error: unknown) => {
            request.destroy()
            reject(error as Error)
          },
        )
      })
    })
  }

  /**
   * Dials `url` for an upgrade `request` with the gateway's `headers`; relays a refusal as the
   * reply, else upgrades the client (the reply is hijacked) and links it to the upstream. A failure
   * to reach the upstream is thrown, for the route to answer as for any request.
   */
  async function forward(
    request: FastifyRequest,
    reply: FastifyReply,
    url: string,
    headers: Record<string, string>,
  ): Promise<FastifyReply> {
    const { socket, head } = upgrades.get(request.raw)!
    const offered = String(request.headers['sec-websocket-protocol'] ?? '')
      .split(',')
      .map((p) => p.trim())
      .filter(Boolean)
    const agreed = agreedProtocol(new Set(offered))
    const dialed = await dial(url, headers, agreed ? [agreed] : [], socket)
    if ('refusal' in dialed) {
      const { status, headers: answered, body } = dialed.refusal
      for (const [name, value] of Object.entries(answered))
        if (!HOP_BY_HOP.has(name) && value !== undefined) void reply.header(name, value)
      return reply.code(status).send(body)
    }
    const { upstream } = dialed
    reply.hijack()
    if (socket.destroyed) {
      upstream.close(1001, 'client gone')
      return reply
    }
    // A handshake that ws refuses (a malformed key, say) ends the socket without a client.
    const refused = () => upstream.close(1002, 'client handshake refused')
    socket.once('close', refused)
    clients.handleUpgrade(request.raw, socket, head, (client) => {
      socket.off('close', refused)
      link(client, upstream)
    })
    return reply
  }

  return { forward }
}

async function readRefusal(response: IncomingMessage) {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of response as AsyncIterable<Buffer>) {
    size += chunk.length
    if (size > REFUSAL_BODY_LIMIT) break
    chunks.push(chunk)
  }
  return { status: response.statusCode ?? 502, headers: response.headers, body: Buffer.concat(chunks) }
}

/** Passes everything one socket receives to the other, its closing included. */
function link(client: WebSocket, upstream: WebSocket) {
  for (const [from, to] of [
    [client, upstream],
    [upstream, client],
  ] as const) {
    from.on('message', (data, isBinary) => to.send(data, { binary: isBinary }))
    from.on('ping', (data) => to.ping(data))
    from.on('pong', (data) => to.pong(data))
    from.on('close', (code, reason) => closeLike(to, code, reason))
    // A socket that fails closes as abnormal (1006), and that closing is relayed.
    from.on('error', () => {})
  }
}

function closeLike(socket: WebSocket, code: number, reason: Buffer) {
  // 1006 means no close frame came (the connection dropped) and 1005 one without a status: neither
  // can be sent as a code, so the other side gets the same kind of ending.
  if (code === 1006) socket.terminate()
  else if (code === 1005) socket.close()
  else socket.close(code, reason)
}
