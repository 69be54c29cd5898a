// The chat's machinery on this replica: a Redis subscriber connection of its own for the fan-out,
// the hub of local connections, the room use cases, and their metrics. Open connections are closed
// (1001) before the server drains, so clients reconnect to another replica.
import fp from 'fastify-plugin'
import { Counter, Gauge } from 'prom-client'
import type { PartyConfig } from '../config.ts'
import { ChatHub } from '../domain/chat/chat-hub.ts'
import { ChatMessages } from '../domain/chat/chat-messages.ts'
import { ChatRateLimit } from '../domain/chat/chat-rate-limit.ts'
import { ChatRoom } from '../domain/chat/chat-room.ts'

export interface PartyChat {
  hub: ChatHub
  room: ChatRoom
  messages: ChatMessages
}

declare module 'fastify' {
  interface FastifyInstance {
    partyChat: PartyChat
  }
}

export const chatPlugin = fp<{ config: PartyConfig }>(
  async (app, { config }) => {
    const log = app.log.child({ component: 'chat' })
    // Connected here, before any chat: a lazy connection opened by the first SUBSCRIBE runs its
    // ready check (INFO) behind the SUBSCRIBEs of chats opened meanwhile, which Redis refuses in
    // subscriber mode, and those chats never start. Auto-pipelining has no use on it either.
    const subscriber = app.redis.duplicate({ enableAutoPipelining: false })
    subscriber.on('error', (err: Error) => log.warn({ err: err.message }, 'chat subscriber connection error'))
    await subscriber.connect()
    const hub = new ChatHub(app.redis, subscriber, config.REDIS_KEY_PREFIX, log)
    const messages = new ChatMessages(app.partyDb)

    const chatMessages = new Counter({
      name: 'party_chat_messages_total',
      help: 'Chat messages received on this replica, by outcome (posted, or the refusal code)',
      labelNames: ['outcome'] as const,
      registers: [app.metrics],
    })
    new Gauge({
      name: 'websocket_connections',
      help: 'Chat WebSocket connections open on this replica',
      registers: [app.metrics],
      collect() {
        this.set(hub.size)
      },
    })
    const room = new ChatRoom(
      messages,
      hub,
      new ChatRateLimit(app.redis, config.CHAT_MESSAGES_PER_SECOND),
      { historySize: config.CHAT_HISTORY_SIZE },
      {
        posted: () => chatMessages.inc({ outcome: 'posted' }),
        refused: (code) => chatMessages.inc({ outcome: code }),
        failed: (err) => {
          chatMessages.inc({ outcome: 'INTERNAL' })
          log.error({ err }, 'chat message failed')
        },
      },
    )
    app.decorate('partyChat', { hub, room, messages })
    app.addHook('preClose', async () => hub.closeAll())
    app.addHook('onClose', async () => {
      await subscriber.quit().catch(() => subscriber.disconnect())
    })
  },
  { name: 'party-chat', fastify: '5.x', dependencies: ['party-database', 'redis', 'metrics'] },
)
