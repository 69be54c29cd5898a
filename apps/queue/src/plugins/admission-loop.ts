// Runs the admission loop on this replica from ready to close, counting what it admits.
import { randomUUID } from 'node:crypto'
import { hostname } from 'node:os'
import fp from 'fastify-plugin'
import { Counter } from 'prom-client'
import type { QueueConfig } from '../config.ts'
import { AdmissionLoop } from '../domain/admission/admission-loop.ts'

declare module 'fastify' {
  interface FastifyInstance {
    queueAdmissionLoop: AdmissionLoop
  }
}

export const admissionLoopPlugin = fp<{ config: QueueConfig }>(
  async (app, { config }) => {
    const admittedTotal = new Counter({
      name: 'queue_admitted_total',
      help: 'Buyers let in by this replica, by deal',
      labelNames: ['deal_id'] as const,
      registers: [app.metrics],
    })
    const log = app.log.child({ component: 'admission-loop' })
    const loop = new AdmissionLoop(
      app.redis,
      app.queueDomain.tokens,
      {
        owner: `${hostname()}:${process.pid}:${randomUUID()}`,
        tickMs: config.ADMISSION_TICK_MS,
        defaultRatePerSecond: config.ADMISSION_RATE_PER_SECOND,
        maxActiveAdmissions: config.MAX_ACTIVE_ADMISSIONS,
        tokenTtlSeconds: config.ADMISSION_TOKEN_TTL_SECONDS,
      },
      {
        opened: (dealId, shuffled) =>
          log.info({ dealId, shuffled }, 'waiting room opened; early arrivals shuffled'),
        admitted: (dealId, userIds) => admittedTotal.inc({ deal_id: dealId }, userIds.length),
        failed: (dealId, err) => log.warn({ dealId, err }, 'admission step failed; retried next tick'),
      },
    )
    app.decorate('queueAdmissionLoop', loop)
    app.addHook('onReady', async () => loop.start())
    app.addHook('onClose', async () => loop.stop())
  },
  { name: 'queue-admission-loop', fastify: '5.x', dependencies: ['queue-domain', 'metrics'] },
)
