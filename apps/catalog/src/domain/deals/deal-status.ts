// The status a deal's times give at a moment, and the timed steps between statuses: each step is
// a scheduled job that moves a deal from one status to the next and announces it with an event.
import {
  dealEndedV1,
  dealOpenedV1,
  dealScheduledV1,
  type DealSnapshot,
  type DealStatus,
} from '@deals/contracts'

export interface DealTimes {
  announceAt: Date
  startsAt: Date
  endsAt: Date
}

/** HIDDEN until announced, SCHEDULED until the start, OPEN until the end, then ENDED. */
export function statusByTime(deal: DealTimes, now: Date): Exclude<DealStatus, 'SUSPENDED'> {
  const t = now.getTime()
  if (t >= deal.endsAt.getTime()) return 'ENDED'
  if (t >= deal.startsAt.getTime()) return 'OPEN'
  if (t >= deal.announceAt.getTime()) return 'SCHEDULED'
  return 'HIDDEN'
}

export interface DealStep {
  job: string
  from: DealStatus
  to: DealStatus
  event: { name: string; payload: { parse(value: unknown): DealSnapshot } }
  /** When the step is due. */
  dueAt(deal: DealTimes): Date
}

export const DEAL_STEPS: readonly DealStep[] = [
  {
    job: 'deal.announce',
    from: 'HIDDEN',
    to: 'SCHEDULED',
    event: dealScheduledV1,
    dueAt: (deal) => deal.announceAt,
  },
  { job: 'deal.open', from: 'SCHEDULED', to: 'OPEN', event: dealOpenedV1, dueAt: (deal) => deal.startsAt },
  { job: 'deal.end', from: 'OPEN', to: 'ENDED', event: dealEndedV1, dueAt: (deal) => deal.endsAt },
]

/** The step that takes a deal out of `status`, if time moves it on from there. */
export const stepFrom = (status: DealStatus): DealStep | undefined =>
  DEAL_STEPS.find((s) => s.from === status)
