// Errors of the waiting room, each with a stable code for clients.
import { defineError } from '@deals/service-kit'

export const DealNotFound = defineError('DEAL_NOT_FOUND', 404, 'No such deal')
export const QueueNotRequired = defineError(
  'QUEUE_NOT_REQUIRED',
  409,
  'This deal has no waiting room: order directly',
)
export const QueueNotOpen = defineError(
  'QUEUE_NOT_OPEN',
  409,
  'The waiting room of this deal is not open yet',
)
export const QueueClosed = defineError('QUEUE_CLOSED', 409, 'The deal has ended or is suspended')
export const EntryNotFound = defineError(
  'ENTRY_NOT_FOUND',
  404,
  'You are not in the waiting room of this deal',
)
export const ApiKeysCannotQueue = defineError(
  'API_KEY_NOT_ALLOWED',
  403,
  'Enter a waiting room with a buyer account, not an API key',
)
