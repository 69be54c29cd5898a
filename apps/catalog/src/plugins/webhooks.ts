// Builds the seller webhooks (registry, delivery log, dispatcher) as `app.catalogWebhooks`, and
// defines the durable job that makes each delivery attempt.
import fp from 'fastify-plugin'
import { Counter } from 'prom-client'
import { createFieldCipher } from '@deals/field-cipher'
import type { CatalogConfig } from '../config.ts'
import {
  WEBHOOK_DELIVERY_JOB,
  type DeliveryJob,
  type ScheduleDelivery,
} from '../domain/webhooks/delivery-job.ts'
import { WebhookDeliveries } from '../domain/webhooks/webhook-deliveries.ts'
import { WebhookDispatcher } from '../domain/webhooks/webhook-dispatcher.ts'
import { WebhookRegistry } from '../domain/webhooks/webhook-registry.ts'
import { createWebhookSender } from '../domain/webhooks/webhook-sender.ts'

export interface CatalogWebhooks {
  registry: WebhookRegistry
  deliveries: WebhookDeliveries
  dispatcher: WebhookDispatcher
  /** Schedules an attempt in the caller's transaction; the event consumer uses it too. */
  schedule: ScheduleDelivery
}

declare module 'fastify' {
  interface FastifyInstance {
    catalogWebhooks: CatalogWebhooks
  }
}

const MAX_WEBHOOKS_PER_SELLER = 10

export const webhooksPlugin = fp<{ config: CatalogConfig }>(
  async (app, { config }) => {
    const db = app.catalogDb
    const production = config.NODE_ENV === 'production'
    const cipher = createFieldCipher(config.DATA_ENCRYPTION_KEY)
    const schedule: ScheduleDelivery = async (tx, job, at) => {
      await app.jobs.scheduleAt(WEBHOOK_DELIVERY_JOB, job, at, {
        tx,
        key: `${job.deliveryId}:${job.attempt}`,
      })
    }
    const registry = new WebhookRegistry(db, cipher, { production, maxPerSeller: MAX_WEBHOOKS_PER_SELLER })
    const dispatcher = new WebhookDispatcher(
      db,
      cipher,
      createWebhookSender({ production, timeoutMs: config.WEBHOOK_TIMEOUT_MS }),
      schedule,
      {
        maxAttempts: config.WEBHOOK_MAX_ATTEMPTS,
        baseDelayMs: config.WEBHOOK_RETRY_BASE_MS,
        maxDelayMs: config.WEBHOOK_RETRY_MAX_DELAY_MS,
      },
    )
    const attempts = new Counter({
      name: 'catalog_webhook_attempts_total',
      help: 'Webhook delivery attempts by outcome (delivered, retrying, failed, skipped)',
      labelNames: ['outcome'],
      registers: [app.metrics],
    })

    // Sends are network-bound: more of them in flight than the default job concurrency.
    app.jobs.define<DeliveryJob>(
      WEBHOOK_DELIVERY_JOB,
      async (job) => {
        attempts.inc({ outcome: await dispatcher.attempt(job) })
      },
      { concurrency: 8, expireInSeconds: Math.ceil(config.WEBHOOK_TIMEOUT_MS / 1000) + 60 },
    )

    app.decorate('catalogWebhooks', {
      registry,
      deliveries: new WebhookDeliveries(db, registry, schedule),
      dispatcher,
      schedule,
    })
  },
  { name: 'catalog-webhooks', fastify: '5.x', dependencies: ['catalog-database', 'jobs'] },
)
