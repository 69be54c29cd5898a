// Builds the waiting room's use cases from the connections and puts them on the instance; at start
// it mirrors the known deals from PostgreSQL into Redis (the hot copy may have been lost or stale).
import fp from 'fastify-plugin'
import { createAdmissionSigner } from '@deals/admission'
import type { QueueConfig } from '../config.ts'
import { AdmissionTokens } from '../domain/admission/admission-tokens.ts'
import { DealDirectory } from '../domain/deals/deal-directory.ts'
import { EntryWatch } from '../domain/waiting-room/entry-watch.ts'
import { defineQueueScripts } from '../domain/waiting-room/queue-scripts.ts'
import { WaitingRoom } from '../domain/waiting-room/waiting-room.ts'

export interface QueueDomain {
  deals: DealDirectory
  tokens: AdmissionTokens
  room: WaitingRoom
  watch: EntryWatch
}

declare module 'fastify' {
  interface FastifyInstance {
    queueDomain: QueueDomain
  }
}

export const queueDomainPlugin = fp<{ config: QueueConfig }>(
  async (app, { config }) => {
    const { queueDb: db, redis } = app
    defineQueueScripts(redis)
    const deals = new DealDirectory(db, redis)
    const tokens = new AdmissionTokens(
      redis,
      createAdmissionSigner(config.ADMISSION_TOKEN_SECRET),
      config.ADMISSION_TOKEN_TTL_SECONDS,
    )
    const room = new WaitingRoom(redis, deals, tokens, {
      prequeueSeconds: config.PREQUEUE_SECONDS,
      defaultRatePerSecond: config.ADMISSION_RATE_PER_SECOND,
    })
    const watch = new EntryWatch(room, {
      refreshMs: config.STREAM_REFRESH_MS,
      heartbeatMs: config.STREAM_HEARTBEAT_MS,
    })

    const mirrored = await deals.reconcile()
    app.log.info({ deals: mirrored }, 'deals mirrored into the waiting rooms')

    app.decorate('queueDomain', { deals, tokens, room, watch })
    app.addHook('onReady', async () => watch.start())
    // Open streams would hold the server's close; end them first, clients reconnect elsewhere.
    app.addHook('preClose', async () => watch.stop())
  },
  { name: 'queue-domain', fastify: '5.x', dependencies: ['queue-database', 'redis'] },
)
