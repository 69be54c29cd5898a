// W3C trace context across the broker: injected into the outbox row when the event is written,
// extracted by the consumer. Without an OpenTelemetry SDK both are no-ops.
import { ROOT_CONTEXT, context, propagation, type Context } from '@opentelemetry/api'

/** The active context as carrier headers (`traceparent`, `tracestate`), empty when nothing is traced. */
export function injectTraceHeaders(): Record<string, string> {
  const carrier: Record<string, string> = {}
  propagation.inject(context.active(), carrier)
  return carrier
}

/** The producer's context from message headers; AMQP may hand header values back as Buffers. */
export function extractTraceContext(headers: Record<string, unknown> | undefined): Context {
  const carrier: Record<string, string> = {}
  for (const [key, value] of Object.entries(headers ?? {})) {
    if (typeof value === 'string') carrier[key] = value
    else if (Buffer.isBuffer(value)) carrier[key] = value.toString('utf8')
  }
  return propagation.extract(ROOT_CONTEXT, carrier)
}
