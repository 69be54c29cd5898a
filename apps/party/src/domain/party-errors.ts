// Errors of parties, their chat and penalties, each with a stable code for clients.
import { defineError } from '@deals/service-kit'

export const MarketNotFound = defineError(
  'MARKET_NOT_FOUND',
  404,
  'No such market (markets come from the catalog; a new one may take a moment to arrive)',
)
export const PartyNotFound = defineError('PARTY_NOT_FOUND', 404, 'No such party')
export const BadPartyTimes = defineError(
  'BAD_PARTY_TIMES',
  422,
  'The deadline must be in the future and before the meeting time',
)

export const PartyFull = defineError('PARTY_FULL', 409, 'The party is full')
export const PartyCancelled = defineError('PARTY_CANCELLED', 409, 'The party was cancelled')
export const PartyExpired = defineError('PARTY_EXPIRED', 409, 'The party did not fill before its deadline')
export const DeadlinePassed = defineError('DEADLINE_PASSED', 409, 'The deadline of the party has passed')
export const MeetingPassed = defineError('MEETING_PASSED', 409, 'The party has already met')
export const AlreadyMember = defineError('ALREADY_MEMBER', 409, 'You are already in this party')
export const TooManyPenalties = defineError(
  'TOO_MANY_PENALTIES',
  403,
  'You missed too many parties to join another',
)
export const LeaderCannotLeave = defineError(
  'LEADER_CANNOT_LEAVE',
  409,
  'The leader cannot leave the party; cancel it instead',
)
export const PartyPaid = defineError(
  'PARTY_PAID',
  409,
  "The members' shares are paid to the leader; the party can no longer be left or cancelled",
)
export const NotMember = defineError('NOT_A_MEMBER', 403, 'Only members of the party may do this')
export const NotLeader = defineError('NOT_THE_LEADER', 403, 'Only the leader of the party may do this')

export const MeetingNotYet = defineError(
  'MEETING_NOT_YET',
  409,
  'No-shows can be marked only after the meeting time',
)
export const PartyNotHeld = defineError(
  'PARTY_NOT_HELD',
  409,
  'No-shows can be marked only for a party that filled',
)
export const TargetNotMember = defineError('TARGET_NOT_A_MEMBER', 422, 'That user was not in the party')
export const CannotPenalizeLeader = defineError(
  'CANNOT_PENALIZE_LEADER',
  422,
  'The leader cannot mark themselves as a no-show',
)

export const MessageNotFound = defineError('MESSAGE_NOT_FOUND', 404, 'No such message in this party')
