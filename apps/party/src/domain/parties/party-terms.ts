// The rules a new party's terms follow beyond their shapes: the deadline is ahead of now and
// before the meeting, so the party has time to fill and then to meet.
import { BadPartyTimes } from '../party-errors.ts'

export const MIN_CAPACITY = 2
export const MAX_CAPACITY = 50

export interface PartyTimes {
  meetAt: Date
  deadline: Date
}

export function checkPartyTimes({ meetAt, deadline }: PartyTimes, now: Date): void {
  if (deadline.getTime() <= now.getTime()) throw BadPartyTimes('The deadline must be in the future')
  if (deadline.getTime() >= meetAt.getTime())
    throw BadPartyTimes('The deadline must be before the meeting time')
}
