// A real upstream service for the gateway's tests, built with the service kit so it really checks
// the gateway's signature. It echoes what it received, streams SSE on demand, echoes websocket
// messages, answers slowly on request, and counts the requests that reached it.
import type { AddressInfo } from 'node:net'
import { z } from 'zod'
import { WebSocketServer } from 'ws'
import { createServer, requireUser, serviceKit, verifyIdentityHeaders } from '@deals/service-kit'
import { TEST_GATEWAY_SECRET } from '@deals/service-kit/testing'

export interface UpstreamService {
  name: string
  url: string
  /** Requests that reached a handler, by path without query. */
  hits(path: string): number
  /** Lets the open SSE stream send its second event and end. */
  releaseSecondEvent(): void
  close(): Promise<void>
}

export async function startUpstream(name: string): Promise<UpstreamService> {
  const app = createServer({ service: name, logLevel: 'silent' })
  await app.register(serviceKit, {
    service: name,
    title: `${name} (test upstream)`,
    gatewaySigningSecret: TEST_GATEWAY_SECRET,
  })
  // Uploads arrive as raw image bytes; the echo reports how many came through.
  app.addContentTypeParser(
    'image/png',
    { parseAs: 'buffer', bodyLimit: 16 * 1024 * 1024 },
    (_r, body, done) => done(null, { imageBytes: (body as Buffer).length }),
  )
  const hits = new Map<string, number>()
  app.addHook('preHandler', async (request) => {
    const path = request.url.split('?', 1)[0]!
    hits.set(path, (hits.get(path) ?? 0) + 1)
  })

  const echo = async (request: { url: string; headers: unknown; identity: unknown; body?: unknown }) => ({
    instance: name,
    url: request.url,
    identity: request.identity ?? null,
    headers: request.headers,
    body: request.body ?? null,
  })
  app.get('/echo', echo)
  // A service's own list at its root (the order service's `GET /`, my orders).
  app.get('/', echo)
  app.post('/echo', echo)
  app.get('/seller/v1/*', echo)
  app.get('/internal/secret', echo)
  app.get('/me', { preHandler: requireUser }, echo)
  // The order service's place-order route, for purchases the edge lets through; `answerPadding`
  // in the body makes the answer that many bytes larger.
  app.post('/', { preHandler: requireUser }, async (request) => {
    const padding = (request.body as { answerPadding?: number } | undefined)?.answerPadding
    return { ...(await echo(request)), ...(padding ? { padding: 'x'.repeat(padding) } : {}) }
  })
  app.get(
    '/things/:id',
    { schema: { params: z.object({ id: z.string() }), response: { 200: z.object({ id: z.string() }) } } },
    async (request) => ({
      id: request.params.id,
    }),
  )
  app.get('/slow', async () => {
    await new Promise((resolve) => setTimeout(resolve, 1_500))
    return { slow: true }
  })

  let release: () => void = () => {}
  const released = new Promise<void>((resolve) => {
    release = resolve
  })
  app.get('/events', async (_request, reply) => {
    reply.hijack()
    reply.raw.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' })
    reply.raw.write('event: first\ndata: one\n\n')
    await released
    reply.raw.end('event: second\ndata: two\n\n')
  })

  const sockets = new WebSocketServer({ noServer: true })
  app.server.on('upgrade', (request, socket, head) => {
    const caller = verifyIdentityHeaders(TEST_GATEWAY_SECRET, request.headers)
    if (!caller.ok) {
      socket.end('HTTP/1.1 401 Unauthorized\r\nconnection: close\r\n\r\n')
      return
    }
    sockets.handleUpgrade(request, socket, head, (ws) => {
      ws.on('message', (data) => ws.send(`${caller.identity?.userId ?? 'anonymous'}:${String(data)}`))
    })
  })

  await app.listen({ host: '127.0.0.1', port: 0 })
  const { port } = app.server.address() as AddressInfo
  return {
    name,
    url: `http://127.0.0.1:${port}`,
    hits: (path) => hits.get(path) ?? 0,
    releaseSecondEvent: () => release(),
    async close() {
      release()
      for (const client of sockets.clients) client.terminate()
      sockets.close()
      await app.close()
    },
  }
}
