// One scheduled attempt at sending a delivery. `attempt` is the attempt number it makes; a job
// whose number no longer follows the delivery's count is stale and does nothing. A round starts
// at `roundStart` (1, or the next number after a redelivery) and lasts the configured attempts.
import type { CatalogTx } from '../database.ts'

export const WEBHOOK_DELIVERY_JOB = 'webhook.deliver'

export interface DeliveryJob {
  deliveryId: string
  attempt: number
  roundStart: number
}

/** Schedules a delivery attempt in the caller's transaction (durable: it survives restarts). */
export type ScheduleDelivery = (tx: CatalogTx, job: DeliveryJob, at: Date) => Promise<void>
