// Turns a failed upstream exchange into the problem the client sees: an upstream that cannot be
// reached is 503 SERVICE_UNAVAILABLE, one that does not answer in time is 504 GATEWAY_TIMEOUT.
import { defineError, ServiceUnavailable, type DomainError } from '@deals/service-kit'

export const GatewayTimeout = defineError(
  'GATEWAY_TIMEOUT',
  504,
  'The upstream service did not answer in time',
)

const TIMEOUT_CODES = new Set([
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_CONNECT_TIMEOUT',
  'FST_REPLY_FROM_GATEWAY_TIMEOUT',
  'FST_REPLY_FROM_TIMEOUT',
  'ETIMEDOUT',
])

function codesOf(error: unknown): string[] {
  const codes: string[] = []
  for (let e = error as { code?: unknown; cause?: unknown } | undefined; e; e = e.cause as typeof e) {
    if (typeof e.code === 'string') codes.push(e.code)
    if (codes.length > 8) break
  }
  return codes
}

export function upstreamFailure(service: string, error: unknown): DomainError {
  const codes = codesOf(error)
  if (codes.some((code) => TIMEOUT_CODES.has(code)))
    return GatewayTimeout(`The ${service} service did not answer in time`)
  return ServiceUnavailable(`The ${service} service is unavailable`)
}

/** The code a failure is counted under in the metrics. */
export const failureCode = (error: unknown) => codesOf(error).at(-1) ?? 'UNKNOWN'
