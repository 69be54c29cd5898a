// Makes one attempt at a delivery: sends it, logs the attempt, and either marks the delivery
// DELIVERED (any 2xx), schedules the next attempt with exponential backoff, or marks it FAILED
// once the round's attempts are spent. Runs as a durable job; a stale or repeated job is a no-op,
// and a job that dies mid-way is run again (at-least-once: receivers dedupe on Webhook-Id).
import type { FieldCipher } from '@deals/field-cipher'
import type { CatalogDb } from '../database.ts'
import type { DeliveryJob, ScheduleDelivery } from './delivery-job.ts'
import type { SendWebhook, WebhookResponse } from './webhook-sender.ts'

export interface RetryPolicy {
  /** Attempts in one round (the first send and its retries). */
  maxAttempts: number
  /** Wait before the 2nd attempt; doubled before each next one. */
  baseDelayMs: number
  maxDelayMs: number
}

export type AttemptOutcome = 'delivered' | 'retrying' | 'failed' | 'skipped'

const isSuccess = (response: WebhookResponse) =>
  response.statusCode !== null && response.statusCode >= 200 && response.statusCode < 300

export class WebhookDispatcher {
  constructor(
    private readonly db: CatalogDb,
    private readonly cipher: FieldCipher,
    private readonly send: SendWebhook,
    private readonly schedule: ScheduleDelivery,
    private readonly retry: RetryPolicy,
  ) {}

  /** Delay before attempt `n + 1` of a round, where `n` counts from 1 within the round. */
  delayAfter(attemptInRound: number): number {
    return Math.min(this.retry.baseDelayMs * 2 ** (attemptInRound - 1), this.retry.maxDelayMs)
  }

  async attempt(job: DeliveryJob): Promise<AttemptOutcome> {
    const delivery = await this.db.webhookDelivery.findUnique({
      where: { id: job.deliveryId },
      include: { webhook: true },
    })
    if (!delivery || delivery.status !== 'PENDING' || delivery.attempts !== job.attempt - 1) return 'skipped'
    const { webhook } = delivery
    if (webhook.deletedAt || !webhook.active) {
      const reason = webhook.deletedAt ? 'the webhook was deleted' : 'the webhook was deactivated'
      await this.db.webhookDelivery.updateMany({
        where: { id: delivery.id, status: 'PENDING', attempts: delivery.attempts },
        data: { status: 'FAILED', lastError: reason, nextAttemptAt: null },
      })
      return 'failed'
    }

    const response = await this.send({
      url: webhook.url,
      secret: this.cipher.decrypt(webhook.secretEnc),
      id: delivery.eventId,
      body: JSON.stringify(delivery.payload),
    })

    const delivered = isSuccess(response)
    const attemptInRound = job.attempt - job.roundStart + 1
    const retrying = !delivered && attemptInRound < this.retry.maxAttempts
    const now = new Date()
    const nextAttemptAt = retrying ? new Date(now.getTime() + this.delayAfter(attemptInRound)) : null
    const error = delivered ? null : (response.error ?? `HTTP ${response.statusCode}`)
    const recorded = await this.db.$transaction(async (tx) => {
      // The attempt count doubles as an optimistic lock: a concurrent run of the same job loses.
      const { count } = await tx.webhookDelivery.updateMany({
        where: { id: delivery.id, status: 'PENDING', attempts: delivery.attempts },
        data: {
          attempts: job.attempt,
          status: delivered ? 'DELIVERED' : retrying ? 'PENDING' : 'FAILED',
          lastStatusCode: response.statusCode,
          lastError: error,
          deliveredAt: delivered ? now : null,
          nextAttemptAt,
        },
      })
      if (count === 0) return false
      await tx.webhookAttempt.create({
        data: {
          deliveryId: delivery.id,
          attempt: job.attempt,
          statusCode: response.statusCode,
          error,
          durationMs: response.durationMs,
        },
      })
      if (nextAttemptAt) await this.schedule(tx, { ...job, attempt: job.attempt + 1 }, nextAttemptAt)
      return true
    })
    if (!recorded) return 'skipped'
    return delivered ? 'delivered' : retrying ? 'retrying' : 'failed'
  }
}
