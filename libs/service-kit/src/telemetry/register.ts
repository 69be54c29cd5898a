// Loaded with `--import` before the service's own modules so instrumentation can patch http,
// undici, pg, ioredis and amqplib as they load. Tracing starts only when an OTLP endpoint is
// configured (OTEL_EXPORTER_OTLP_ENDPOINT); otherwise this module does nothing.
import { register } from 'node:module'
import { startTelemetry } from './sdk.ts'

if (process.env.OTEL_EXPORTER_OTLP_ENDPOINT && process.env.OTEL_SDK_DISABLED !== 'true') {
  register('@opentelemetry/instrumentation/hook.mjs', import.meta.url)
  const sdk = startTelemetry({ service: process.env.OTEL_SERVICE_NAME ?? 'unknown-service' })
  const stop = () => void sdk.shutdown().catch(() => undefined)
  process.once('beforeExit', stop)
}
