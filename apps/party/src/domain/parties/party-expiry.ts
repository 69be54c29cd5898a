// Ends a party that did not fill by its deadline. The job is scheduled in the transaction that
// creates the party, once per party (the deadline never changes); when it runs it acts only on a
// party still OPEN, so a party that filled, or was cancelled, is left alone. A party that filled and
// went back to OPEN before the deadline is expired by the same job.
import type { JobDefinitionOptions, JobHandler, JobTransaction } from '@deals/jobs'
import { partyExpiredV1 } from '@deals/contracts'
import type { Party } from '../../generated/prisma/client.ts'
import type { PartyDb, PartyTx } from '../database.ts'
import { publishOutcome } from './party-events.ts'

export const PARTY_EXPIRY_JOB = 'party.expire'

export interface PartyExpiryJob {
  partyId: string
}

/** The slice of `@deals/jobs` the expiry needs. */
export interface PartyJobs {
  define<T>(name: string, handler: JobHandler<T>, options?: JobDefinitionOptions): unknown
  scheduleAt<T>(
    name: string,
    data: T,
    at: Date,
    options: { tx: JobTransaction; key: string },
  ): Promise<unknown>
}

export class PartyExpiry {
  constructor(
    private readonly db: PartyDb,
    private readonly jobs: PartyJobs,
  ) {}

  /** Declares the job; call before the scheduler starts. */
  define(): void {
    this.jobs.define<PartyExpiryJob>(
      PARTY_EXPIRY_JOB,
      async ({ partyId }) => void (await this.expire(partyId)),
      {
        precise: true,
      },
    )
  }

  /** Schedules the expiry of `party`, just created in `tx`, at its deadline. */
  async schedule(tx: PartyTx, party: Party): Promise<void> {
    await this.jobs.scheduleAt<PartyExpiryJob>(PARTY_EXPIRY_JOB, { partyId: party.id }, party.deadline, {
      tx,
      key: party.id,
    })
  }

  /** Expires the party if it is still OPEN at its deadline; true when it did. */
  async expire(partyId: string, now = new Date()): Promise<boolean> {
    return this.db.$transaction(async (tx) => {
      const party = await tx.party.findUnique({ where: { id: partyId } })
      if (!party || party.status !== 'OPEN') return false
      // Never early: a job run before the deadline fails and pg-boss runs it again later.
      if (party.deadline.getTime() > now.getTime())
        throw new Error(`party ${partyId} is not due to expire before ${party.deadline.toISOString()}`)
      const moved = await tx.party.updateMany({
        where: { id: partyId, status: 'OPEN', version: party.version },
        data: { status: 'EXPIRED', version: { increment: 1 } },
      })
      if (moved.count === 0) return false
      await publishOutcome(tx, partyExpiredV1, { ...party, status: 'EXPIRED', version: party.version + 1 })
      return true
    })
  }
}
