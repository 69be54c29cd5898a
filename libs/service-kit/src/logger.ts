// pino options shared by every service: JSON lines with service name, request id and trace id;
// credentials, tokens and personal data are redacted, and secret-bearing query values masked.
import { trace } from '@opentelemetry/api'
import type { FastifyServerOptions } from 'fastify'

const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-gateway-signature"]',
  'req.headers["sec-websocket-protocol"]',
  'res.headers["set-cookie"]',
  '*.password',
  '*.newPassword',
  '*.token',
  '*.accessToken',
  '*.refreshToken',
  '*.apiKey',
  '*.secret',
  '*.phone',
  '*.email',
]

const SECRET_QUERY = /([?&](?:token|access_token|refresh_token|key|api_key|ticket|signature)=)[^&]*/gi

export const maskUrl = (url: string) => url.replace(SECRET_QUERY, '$1[redacted]')

export function loggerOptions(service: string, level: string): FastifyServerOptions['logger'] {
  if (level === 'silent') return false
  return {
    level,
    base: { service },
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    messageKey: 'msg',
    mixin() {
      const span = trace.getActiveSpan()?.spanContext()
      return span ? { traceId: span.traceId, spanId: span.spanId } : {}
    },
    serializers: {
      req: (req: { method: string; url: string; ip?: string; id?: string }) => ({
        method: req.method,
        url: maskUrl(req.url),
        remoteAddress: req.ip,
      }),
    },
  }
}
