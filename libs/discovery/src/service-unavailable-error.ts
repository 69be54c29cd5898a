// The one error callers branch on: no healthy instance of an upstream can be named right now.

export class ServiceUnavailableError extends Error {
  readonly code = 'SERVICE_UNAVAILABLE'
  readonly statusCode = 503

  constructor(
    readonly service: string,
    detail: string,
    options?: { cause?: unknown },
  ) {
    super(`service "${service}" is unavailable: ${detail}`, options)
    this.name = 'ServiceUnavailableError'
  }
}
