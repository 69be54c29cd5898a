// Reminders of a deal's opening for everyone who likes its product ("opens in 24 hours", "in 1
// hour"). Each applied deal snapshot schedules, in the same transaction, one precise job per
// configured lead, keyed by the deal's version; a job whose version is no longer the deal's (it
// moved, was suspended, opened) does nothing, so rescheduling never hunts old jobs. Who is told is
// decided when the reminder fires: the product's likers at that moment.
import type { JobScheduler } from '@deals/jobs'
import type { DealStatus } from '../../generated/prisma/client.ts'
import type { NotificationTx } from '../database.ts'
import type { Notice, NotificationFeed } from '../feed/notification-feed.ts'
import { productLikers } from './catalog-interests.ts'

export const REMINDER_JOB = 'deal-reminder'

export interface DealSnapshot {
  dealId: string
  version: number
  status: DealStatus
  productId: string
  storeId: string
  productName: string
  startsAt: string
}

export interface ReminderJob {
  dealId: string
  version: number
  leadSeconds: number
}

export class DealReminders {
  constructor(
    private readonly feed: NotificationFeed,
    private readonly jobs: Pick<JobScheduler, 'define' | 'scheduleAt'>,
    private readonly leadsSeconds: readonly number[],
  ) {}

  /** Declares the reminder job; call before the scheduler starts. */
  define(): void {
    this.jobs.define<ReminderJob>(REMINDER_JOB, async (job) => void (await this.fire(job)), { precise: true })
  }

  /** Keeps the deal's newest snapshot and, for an announced deal, schedules its future reminders. */
  async applySnapshot(tx: NotificationTx, deal: DealSnapshot): Promise<void> {
    const known = await tx.reminderDeal.findUnique({ where: { dealId: deal.dealId } })
    if (known && known.version >= deal.version) return
    const fields = {
      version: deal.version,
      status: deal.status,
      productId: deal.productId,
      storeId: deal.storeId,
      productName: deal.productName,
      startsAt: new Date(deal.startsAt),
    }
    await tx.reminderDeal.upsert({
      where: { dealId: deal.dealId },
      create: { dealId: deal.dealId, ...fields },
      update: fields,
    })
    if (deal.status !== 'SCHEDULED') return
    for (const leadSeconds of this.leadsSeconds) {
      const at = new Date(fields.startsAt.getTime() - leadSeconds * 1000)
      if (at.getTime() <= Date.now()) continue
      const job: ReminderJob = { dealId: deal.dealId, version: deal.version, leadSeconds }
      await this.jobs.scheduleAt(REMINDER_JOB, job, at, {
        tx,
        key: `${deal.dealId}:${deal.version}:${leadSeconds}`,
      })
    }
  }

  /** Notifies the product's likers if the deal is still as the job found it; returns how many. */
  async fire({ dealId, version, leadSeconds }: ReminderJob): Promise<number> {
    return this.feed.transaction(async (tx) => {
      const deal = await tx.reminderDeal.findFirst({ where: { dealId, version, status: 'SCHEDULED' } })
      if (!deal) return 0
      const startsAt = deal.startsAt.toISOString()
      const notices = (await productLikers(tx, deal.productId)).map((userId): Notice => ({
        userId,
        kind: 'DEAL_REMINDER',
        // Keyed by the start time, not the version: an edit that keeps the time reminds no one twice.
        sourceEventId: `deal-reminder:${dealId}:${startsAt}:${leadSeconds}`,
        title: `${deal.productName} opens in ${describeLead(leadSeconds)}`,
        body: `A deal on ${deal.productName}, which you like, opens at ${startsAt}.`,
        data: { dealId, productId: deal.productId, startsAt, leadSeconds },
      }))
      return (await this.feed.notify(tx, notices)).length
    })
  }
}

/** 86400 → "24 hours", 3600 → "1 hour", 90 → "2 minutes": the lead as a reader says it. */
export function describeLead(seconds: number): string {
  const [amount, unit] =
    seconds >= 3600
      ? [Math.round(seconds / 3600), 'hour']
      : seconds >= 60
        ? [Math.round(seconds / 60), 'minute']
        : [seconds, 'second']
  return `${amount} ${unit}${amount === 1 ? '' : 's'}`
}
