// Routes: GET /parties/:id/chat (WebSocket), GET /parties/:id/messages. Membership is checked on
// the handshake, so a refused caller gets an HTTP problem and never a socket.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import type { FastifyRequest } from 'fastify'
import type { WebSocket } from 'ws'
import { requireIdentity, requireUser } from '@deals/service-kit'
import type { ChatPeer } from '../../domain/chat/chat-hub.ts'
import { chatSchema, messagesSchema } from './schemas.ts'

export interface ChatRoutesOptions {
  pingIntervalMs: number
}

export const chatRoutes: FastifyPluginAsyncZod<ChatRoutesOptions> = async (app, { pingIntervalMs }) => {
  const { room, messages } = app.partyChat

  const requireMember = async (request: FastifyRequest) => {
    const { id } = request.params as { id: string }
    await messages.assertMember(id, requireIdentity(request).userId)
  }

  app.get(
    '/parties/:id/chat',
    { schema: chatSchema, websocket: true, preHandler: [requireUser, requireMember] },
    (socket: WebSocket, request) => {
      const userId = requireIdentity(request).userId
      const peer: ChatPeer = {
        userId,
        send: (event, frame) => {
          if (socket.readyState === socket.OPEN) socket.send(frame ?? JSON.stringify(event))
        },
        close: (code, reason) => socket.close(code, reason),
      }
      // Listeners go on at once: frames that arrive while the session starts wait for it.
      const session = room.connect(request.params.id, peer).catch((err: Error) => {
        request.log.error({ err }, 'chat session could not start')
        socket.close(1011, 'chat unavailable')
        return undefined
      })
      socket.on('message', (data, isBinary) => {
        if (isBinary)
          return void peer.send({ type: 'error', code: 'BAD_MESSAGE', detail: 'Send text frames' })
        void session.then((s) => s?.receive(data.toString()))
      })
      let alive = true
      socket.on('pong', () => (alive = true))
      const ping = setInterval(() => {
        if (!alive) return socket.terminate()
        alive = false
        socket.ping()
      }, pingIntervalMs)
      socket.on('close', () => {
        clearInterval(ping)
        void session.then((s) => s?.end())
      })
    },
  )

  app.get('/parties/:id/messages', { schema: messagesSchema, preHandler: requireUser }, async (request) =>
    messages.page(request.params.id, requireIdentity(request).userId, request.query),
  )
}
