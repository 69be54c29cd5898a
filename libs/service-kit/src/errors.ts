// Domain errors carry a stable code and an HTTP status; the error handler turns them into
// problem+json. Define each error once, next to the domain that raises it.
export class DomainError extends Error {
  override name = 'DomainError'
  constructor(
    readonly code: string,
    readonly status: number,
    message: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message)
  }
}

export type DomainErrorFactory = ((detail?: string, extra?: Record<string, unknown>) => DomainError) & {
  code: string
  status: number
}

/** `const SoldOut = defineError('SOLD_OUT', 409, 'The deal is sold out')`, then `throw SoldOut()`. */
export function defineError(code: string, status: number, defaultMessage: string): DomainErrorFactory {
  const factory = (detail?: string, extra?: Record<string, unknown>) =>
    new DomainError(code, status, detail ?? defaultMessage, extra)
  return Object.assign(factory, { code, status })
}

export const Unauthenticated = defineError('UNAUTHENTICATED', 401, 'Authentication is required')
export const Forbidden = defineError('FORBIDDEN', 403, 'You are not allowed to do this')
export const NotFound = defineError('NOT_FOUND', 404, 'Not found')
export const Conflict = defineError('CONFLICT', 409, 'The request conflicts with the current state')
export const ValidationFailed = defineError('VALIDATION_FAILED', 400, 'The request is not valid')
export const RateLimited = defineError('RATE_LIMITED', 429, 'Too many requests, slow down')
export const ServiceUnavailable = defineError('SERVICE_UNAVAILABLE', 503, 'A dependency is unavailable')
