// The OpenTelemetry SDK with the instrumentations this platform uses. Tests pass their own
// in-memory exporter; production exports OTLP over HTTP to a collector.
import { NodeSDK } from '@opentelemetry/sdk-node'
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http'
import type { SpanExporter } from '@opentelemetry/sdk-trace-base'
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http'
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici'
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg'
import { IORedisInstrumentation } from '@opentelemetry/instrumentation-ioredis'
import { AmqplibInstrumentation } from '@opentelemetry/instrumentation-amqplib'

export interface TelemetryOptions {
  service: string
  exporter?: SpanExporter
}

export function startTelemetry({ service, exporter = new OTLPTraceExporter() }: TelemetryOptions): NodeSDK {
  const sdk = new NodeSDK({
    serviceName: service,
    traceExporter: exporter,
    instrumentations: [
      new HttpInstrumentation({
        ignoreIncomingRequestHook: (req) => /^\/(healthz|readyz|metrics)/.test(req.url ?? ''),
      }),
      new UndiciInstrumentation(),
      new PgInstrumentation(),
      new IORedisInstrumentation(),
      new AmqplibInstrumentation(),
    ],
  })
  sdk.start()
  return sdk
}
