// Names of the AMQP headers this library sets, in one place because producers, consumers and
// the parking lot all read them.

/** Delivery attempt number of the message as published (1 for the first delivery). */
export const ATTEMPT_HEADER = 'x-attempt'
/** Message of the last handler error, on retried and parked messages. */
export const LAST_ERROR_HEADER = 'x-last-error'
/** Why a message was parked: `failed` after maxAttempts, `invalid` when it cannot be parsed. */
export const PARKED_REASON_HEADER = 'x-parked-reason'
/** ISO time the message was parked. */
export const PARKED_AT_HEADER = 'x-parked-at'

/** Headers RabbitMQ adds on dead-lettering; dropped when we republish so they do not pile up. */
const brokerHeaders = new Set([
  'x-death',
  'x-first-death-exchange',
  'x-first-death-queue',
  'x-first-death-reason',
])

/** Copies a delivery's headers without broker bookkeeping, ready to be republished. */
export function republishableHeaders(headers: Record<string, unknown> | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(headers ?? {})) {
    if (!brokerHeaders.has(key) && !key.startsWith('x-last-death-')) out[key] = value
  }
  return out
}

/** Reads the attempt header; anything missing or malformed counts as the first attempt. */
export function attemptOf(headers: Record<string, unknown> | undefined): number {
  const value = Number(headers?.[ATTEMPT_HEADER])
  return Number.isInteger(value) && value >= 1 ? value : 1
}
