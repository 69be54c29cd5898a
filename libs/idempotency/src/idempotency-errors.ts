// Refusals of the Idempotency-Key protocol.
import { defineError } from '@deals/service-kit'

export const IdempotencyKeyReused = defineError(
  'IDEMPOTENCY_KEY_REUSED',
  422,
  'This Idempotency-Key was already used with a different request body',
)
export const IdempotencyInProgress = defineError(
  'IDEMPOTENCY_IN_PROGRESS',
  409,
  'A request with this Idempotency-Key is still being processed; retry shortly',
)
