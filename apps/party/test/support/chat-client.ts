// A chat client over a real socket: connects to a listening app with the headers the gateway
// would forward, keeps every event it receives, and waits for the ones a test expects.
import type { AddressInfo } from 'node:net'
import type { FastifyInstance } from 'fastify'
import WebSocket from 'ws'
import type { Identity } from '@deals/contracts'
import { gatewayHeaders } from '@deals/service-kit/testing'
import { waitUntil } from '@deals/messaging/testing'

export interface ChatEvent {
  type: 'history' | 'message' | 'error'
  messages?: { id: string; senderId: string; text: string }[]
  message?: { id: string; senderId: string; text: string; sentAt: string }
  code?: string
}

export interface ChatClient {
  events: ChatEvent[]
  /** Set once the server closed the connection. */
  closed?: { code: number; reason: string }
  say(text: string): void
  sendRaw(data: string): void
  /** Waits until `count` events match and returns them. */
  waitFor(match: (event: ChatEvent) => boolean, count?: number, timeoutMs?: number): Promise<ChatEvent[]>
  close(): Promise<void>
}

/** Starts listening on a free port of the loopback (once) and returns the app's ws:// base. */
export async function wsBase(app: FastifyInstance): Promise<string> {
  if (!app.server.listening) await app.listen({ host: '127.0.0.1', port: 0 })
  return `ws://127.0.0.1:${(app.server.address() as AddressInfo).port}`
}

/** Opens `/parties/:id/chat`; resolves with the client once open, or with the refusal's status and body. */
export function openChat(
  base: string,
  partyId: string,
  as?: Identity,
  headers: Record<string, string> = gatewayHeaders(as),
): Promise<{ client: ChatClient } | { refused: number; body: string }> {
  const socket = new WebSocket(`${base}/parties/${partyId}/chat`, { headers })
  const events: ChatEvent[] = []
  const client: ChatClient = {
    events,
    say: (text) => socket.send(JSON.stringify({ text })),
    sendRaw: (data) => socket.send(data),
    waitFor: async (match, count = 1, timeoutMs = 5_000) => {
      await waitUntil(() => events.filter(match).length >= count, {
        timeoutMs,
        message: `${count} matching chat events (have ${JSON.stringify(events)})`,
      })
      return events.filter(match)
    },
    close: () =>
      new Promise((resolve) => {
        if (socket.readyState === WebSocket.CLOSED) return resolve()
        socket.once('close', () => resolve())
        socket.close()
      }),
  }
  socket.on('message', (data) => events.push(JSON.parse(data.toString()) as ChatEvent))
  socket.on('close', (code, reason) => (client.closed = { code, reason: reason.toString() }))
  return new Promise((resolve, reject) => {
    socket.once('open', () => resolve({ client }))
    socket.once('unexpected-response', (_request, response) => {
      let body = ''
      response.on('data', (chunk: Buffer) => (body += chunk.toString()))
      response.on('end', () => resolve({ refused: response.statusCode ?? 0, body }))
    })
    socket.once('error', reject)
  })
}

/** Opens a chat that must be accepted. */
export async function joinChat(base: string, partyId: string, as: Identity): Promise<ChatClient> {
  const opened = await openChat(base, partyId, as)
  if (!('client' in opened)) throw new Error(`chat refused with ${opened.refused}: ${opened.body}`)
  return opened.client
}
