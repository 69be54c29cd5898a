// One trace follows an event from the transaction that wrote it, through the relay's publish, to
// the consumer that handled it: the relay continues the writer's trace instead of starting its own.
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { context, propagation, trace } from '@opentelemetry/api'
import { W3CTraceContextPropagator } from '@opentelemetry/core'
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks'
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base'
import { z } from 'zod'
import { consume, enqueue, OutboxRelay, type AmqpConnection } from '../src/index.ts'
import { waitUntil } from '../src/testing/index.ts'
import { createMessagingEnv, type MessagingEnv } from './support/messaging-env.ts'

const exporter = new InMemorySpanExporter()
context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable())
propagation.setGlobalPropagator(new W3CTraceContextPropagator())
trace.setGlobalTracerProvider(
  new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }),
)

let env: MessagingEnv
let connection: AmqpConnection

before(async () => {
  env = await createMessagingEnv('trace')
  connection = await env.connect()
})
after(() => env.cleanup())

test('the request span, the publish span and the consumer span of an event are one trace, each the parent of the next', async () => {
  const consumerName = 'trace-test.placed'
  const handled: string[] = []
  const consumer = await consume({
    connection,
    db: env.prisma,
    consumer: consumerName,
    events: ['order.placed.v1'],
    schema: z.object({ id: z.string() }),
    handler: async (message, tx) => {
      handled.push(message.id)
      await env.recordEffect(consumerName)(message, tx)
    },
  })
  const relay = new OutboxRelay({ connection, pool: env.pool(), producer: 'order', pollIntervalMs: 100 })
  try {
    const request = trace.getTracer('test').startSpan('POST /orders')
    const id = await context.with(trace.setSpan(context.active(), request), () =>
      env.prisma.$transaction((tx) => enqueue(tx, { name: 'order.placed.v1', payload: { orderId: 'o-1' } })),
    )
    request.end()
    relay.start()
    // The consumer's span ends once its transaction committed, just after the handler ran.
    const consumed = () => exporter.getFinishedSpans().some((s) => s.name === 'process order.placed.v1')
    await waitUntil(async () => handled.includes(id) && consumed(), {
      message: 'the consumer handles the event',
    })

    const spans = exporter.getFinishedSpans()
    const publish = spans.find((s) => s.name === 'order.placed.v1 publish')
    const processed = spans.find((s) => s.name === 'process order.placed.v1')
    assert.ok(publish, `a publish span among ${spans.map((s) => s.name).join(', ')}`)
    assert.ok(processed, 'a consumer span')
    const traceId = request.spanContext().traceId
    assert.equal(publish.spanContext().traceId, traceId)
    assert.equal(publish.parentSpanContext?.spanId, request.spanContext().spanId)
    assert.equal(processed.spanContext().traceId, traceId)
    assert.equal(processed.parentSpanContext?.spanId, publish.spanContext().spanId)
    assert.equal(publish.attributes['messaging.message.id'], id)
  } finally {
    await relay.stop()
    await consumer.stop()
  }
})
