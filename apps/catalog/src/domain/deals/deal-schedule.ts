// Drives deals through their statuses with durable jobs. Every change of a deal schedules, in its
// own transaction, the one job that takes it to its next status, keyed by the deal's version; a
// job whose version is no longer the deal's (the deal changed meanwhile) does nothing. So one
// transition happens once even across replicas and retries, and rescheduling never hunts old jobs.
import type { JobDefinitionOptions, JobHandler, JobTransaction } from '@deals/jobs'
import type { Deal } from '../../generated/prisma/client.ts'
import type { CatalogDb, CatalogTx } from '../database.ts'
import { DEAL_STEPS, stepFrom, type DealStep } from './deal-status.ts'
import { publishDealEvent, publishKeywordMatches } from './deal-events.ts'

export interface DealStepJob {
  dealId: string
  version: number
}

/** The slice of `@deals/jobs` the deal schedule needs. */
export interface DealJobs {
  define<T>(name: string, handler: JobHandler<T>, options?: JobDefinitionOptions): unknown
  scheduleAt<T>(
    name: string,
    data: T,
    at: Date,
    options: { tx: JobTransaction; key: string },
  ): Promise<unknown>
}

/** Schedules the job that moves `deal` (as just written in `tx`) to its next status, if any. */
export async function scheduleNextStep(tx: CatalogTx, jobs: DealJobs, deal: Deal): Promise<void> {
  const step = stepFrom(deal.status)
  if (!step) return
  const data: DealStepJob = { dealId: deal.id, version: deal.version }
  await jobs.scheduleAt(step.job, data, step.dueAt(deal), { tx, key: `${deal.id}:${deal.version}` })
}

export class DealSchedule {
  constructor(
    private readonly db: CatalogDb,
    private readonly jobs: DealJobs,
  ) {}

  /** Declares the step jobs; call before the scheduler starts. */
  define(): void {
    for (const step of DEAL_STEPS)
      this.jobs.define<DealStepJob>(
        step.job,
        async (data) => {
          await this.advance(step, data)
        },
        { precise: true },
      )
  }

  /** Applies `step` if the deal is still at the version and status the job was scheduled for. */
  async advance(step: DealStep, { dealId, version }: DealStepJob): Promise<boolean> {
    return this.db.$transaction(async (tx) => {
      const moved = await tx.deal.updateMany({
        where: { id: dealId, version, status: step.from },
        data: { status: step.to, version: { increment: 1 } },
      })
      if (moved.count === 0) return false
      const deal = await tx.deal.findUniqueOrThrow({ where: { id: dealId } })
      await publishDealEvent(tx, step.event, deal)
      if (step.to === 'SCHEDULED') await publishKeywordMatches(tx, deal)
      await scheduleNextStep(tx, this.jobs, deal)
      return true
    })
  }
}
