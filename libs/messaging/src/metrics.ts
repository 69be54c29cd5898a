// Prometheus metrics of the outbox relay and the consumers. Metrics are registered in the
// caller's Registry when one is given (several relays or consumers share one metric there),
// and otherwise kept unregistered so nothing leaks into prom-client's global registry.
import { Counter, Gauge, type Registry } from 'prom-client'

function reuse<M>(registry: Registry | undefined, name: string, create: (registers: Registry[]) => M): M {
  const existing = registry?.getSingleMetric(name)
  return existing ? (existing as M) : create(registry ? [registry] : [])
}

export function outboxPublishedCounter(registry?: Registry): Counter {
  return reuse(
    registry,
    'messaging_outbox_published_total',
    (registers) =>
      new Counter({
        name: 'messaging_outbox_published_total',
        help: 'Outbox rows published with a broker confirm',
        registers,
      }),
  )
}

export function outboxFailureCounter(registry?: Registry): Counter {
  return reuse(
    registry,
    'messaging_outbox_publish_failures_total',
    (registers) =>
      new Counter({
        name: 'messaging_outbox_publish_failures_total',
        help: 'Outbox batches that failed and were rolled back',
        registers,
      }),
  )
}

/** Age of the oldest unpublished row, read from the database at scrape time. */
export function outboxPrunedCounter(registry?: Registry): Counter {
  return reuse(
    registry,
    'messaging_outbox_pruned_total',
    (registers) =>
      new Counter({
        name: 'messaging_outbox_pruned_total',
        help: 'Published outbox rows deleted after their retention',
        registers,
      }),
  )
}

export function outboxLagGauge(registry: Registry | undefined, read: () => Promise<number>): Gauge {
  return reuse(
    registry,
    'messaging_outbox_lag_seconds',
    (registers) =>
      new Gauge({
        name: 'messaging_outbox_lag_seconds',
        help: 'Age in seconds of the oldest unpublished outbox row (0 when none)',
        registers,
        async collect() {
          this.set(await read())
        },
      }),
  )
}

/** Outcome of each delivery: handled, duplicate (absorbed by the inbox), retried, parked, invalid. */
export function consumerOutcomeCounter(registry?: Registry): Counter<'consumer' | 'outcome'> {
  return reuse(
    registry,
    'messaging_consumer_messages_total',
    (registers) =>
      new Counter({
        name: 'messaging_consumer_messages_total',
        help: 'Messages received by a consumer, by outcome',
        labelNames: ['consumer', 'outcome'] as const,
        registers,
      }),
  )
}
