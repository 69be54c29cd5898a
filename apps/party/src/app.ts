// The party service as a Fastify plugin: group-buy parties at local markets (create, find nearby,
// join, leave, cancel, expire at the deadline), a live chat per party over WebSocket that works
// across replicas, and no-show penalties. Registration order: kit, connections, domain, routes.
import fp from 'fastify-plugin'
import websocket from '@fastify/websocket'
import {
  redisPlugin,
  serviceKit,
  discoveryPlugin,
  retentionPlugin,
  type ServerOptions,
} from '@deals/service-kit'
import { inboxRetentionRule } from '@deals/messaging'
import { jobsPlugin } from '@deals/jobs'
import type { PartyConfig } from './config.ts'
import { databasePlugin } from './plugins/database.ts'
import { outboxRelayPlugin } from './plugins/outbox-relay.ts'
import { marketConsumerPlugin } from './plugins/market-consumer.ts'
import { chatPlugin } from './plugins/chat.ts'
import { partyDomainPlugin } from './plugins/party-domain.ts'
import { shareReplyConsumerPlugin } from './plugins/share-payment-replies.ts'
import { partyRoutes } from './routes/parties/routes.ts'
import { chatRoutes } from './routes/chat/routes.ts'
import { penaltyRoutes } from './routes/penalties/routes.ts'

export const SERVICE_NAME = 'party'

/** Largest chat frame accepted; a message is at most 1000 characters (up to 4 bytes each) in JSON. */
const MAX_FRAME_BYTES = 16 * 1024

export interface PartyAppOptions {
  config: PartyConfig
}

export function partyServerOptions(config: PartyConfig): ServerOptions {
  return {
    service: SERVICE_NAME,
    logLevel: config.LOG_LEVEL,
    bodyLimit: 16 * 1024,
    trustProxy: config.TRUST_PROXY,
  }
}

export const partyApp = fp<PartyAppOptions>(
  async (app, { config }) => {
    // First, so that its onRequest hook marks upgrade requests before the kit's caller check can
    // refuse one: a handshake refused earlier would leave its socket open after the 401.
    await app.register(websocket, { options: { maxPayload: MAX_FRAME_BYTES } })
    await app.register(serviceKit, {
      service: SERVICE_NAME,
      title: 'Party: group-buy parties at local markets, their live chat and no-show penalties',
      gatewaySigningSecret: config.GATEWAY_SIGNING_SECRET,
    })
    await app.register(discoveryPlugin, { service: SERVICE_NAME })

    await app.register(databasePlugin, { databaseUrl: config.DATABASE_URL })
    await app.register(retentionPlugin, {
      db: app.partyDb,
      rules: [inboxRetentionRule(config.INBOX_RETENTION_HOURS)],
      intervalMs: config.RETENTION_SWEEP_INTERVAL_MS,
    })
    await app.register(redisPlugin, { url: config.REDIS_URL, keyPrefix: config.REDIS_KEY_PREFIX })
    await app.register(outboxRelayPlugin, {
      amqpUrl: config.AMQP_URL,
      databaseUrl: config.DATABASE_URL,
      producer: SERVICE_NAME,
    })
    await app.register(jobsPlugin, { databaseUrl: config.DATABASE_URL })

    await app.register(marketConsumerPlugin)
    await app.register(chatPlugin, { config })
    await app.register(partyDomainPlugin, { config })
    await app.register(shareReplyConsumerPlugin)

    await app.register(partyRoutes)
    await app.register(chatRoutes, { pingIntervalMs: config.CHAT_PING_INTERVAL_MS })
    await app.register(penaltyRoutes)
  },
  { name: 'party-app', fastify: '5.x' },
)
