// Maps any error to an RFC 9457 problem body. 5xx details are never shown to the client.
import type { FastifyError } from 'fastify'
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError } from 'fastify-type-provider-zod'
import type { Problem } from '@deals/contracts'
import { DomainError } from './errors.ts'

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  406: 'Not Acceptable',
  409: 'Conflict',
  413: 'Content Too Large',
  414: 'URI Too Long',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
}

/** Fastify's own client errors, given codes that do not leak the framework's names. */
const FRAMEWORK_CODES: Record<string, string> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'BAD_CONTENT_LENGTH',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'MALFORMED_JSON',
  FST_ERR_CTP_INVALID_JSON_BODY: 'MALFORMED_JSON',
  FST_ERR_CTP_MALFORMED_JSON_BODY: 'MALFORMED_JSON',
  FST_ERR_VALIDATION: 'VALIDATION_FAILED',
  FST_ERR_BAD_URL: 'BAD_URL',
  FST_ERR_MAX_PARAM_LENGTH: 'PARAMETER_TOO_LONG',
  FST_ERR_ASYNC_CONSTRAINT: 'BAD_REQUEST',
  FST_REQ_FILE_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
}

export const problemTitle = (status: number) =>
  TITLES[status] ?? (status < 500 ? 'Bad Request' : 'Server Error')

export function problemFor(
  status: number,
  code: string,
  detail?: string,
  extra: Partial<Problem> = {},
): Problem {
  return {
    type: `https://errors.deals.example/${code.toLowerCase()}`,
    title: problemTitle(status),
    status,
    code,
    detail,
    ...extra,
  }
}

export function toProblem(error: unknown): Problem {
  if (error instanceof DomainError) return problemFor(error.status, error.code, error.message, error.extra)
  const e = error as FastifyError & { validation?: unknown[] }
  if (hasZodFastifySchemaValidationErrors(e)) {
    const errors = e.validation.map((v) => ({
      path: `${v.instancePath || '/'}`.replace(/^\/?/, '/'),
      message: v.message ?? 'invalid',
    }))
    const where = e.validationContext ?? 'request'
    return problemFor(400, 'VALIDATION_FAILED', `The ${where} is not valid`, { errors })
  }
  if (e instanceof SyntaxError || e?.code === 'FST_ERR_CTP_INVALID_JSON_BODY')
    return problemFor(400, 'MALFORMED_JSON', 'The body is not valid JSON')
  if (isResponseSerializationError(e)) return problemFor(500, 'INTERNAL', 'Something went wrong on our side')
  const status = typeof e?.statusCode === 'number' ? e.statusCode : 500
  if (status >= 400 && status < 500) {
    const code =
      (e.code && FRAMEWORK_CODES[e.code]) ??
      (status === 429
        ? 'RATE_LIMITED'
        : e.code?.startsWith('FST_')
          ? 'BAD_REQUEST'
          : (e.code ?? 'BAD_REQUEST'))
    return problemFor(status, code, e.message)
  }
  return problemFor(
    status >= 500 && status < 600 ? status : 500,
    'INTERNAL',
    'Something went wrong on our side',
  )
}
