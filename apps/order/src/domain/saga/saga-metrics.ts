// The purchase saga's metrics, named as infra/ reads them: how sagas end, how long they took from
// placement, and how many are stuck past their deadline right now (read from PostgreSQL at scrape).
import { Counter, Gauge, Histogram, type Registry } from 'prom-client'
import type { SagaEnded } from './saga-store.ts'
import { WAITING_STATES, type SagaState } from './purchase-saga.ts'

export interface SagaMetrics {
  ended(ended: SagaEnded | undefined, at?: Date): void
}

export function sagaMetrics(
  registry: Registry,
  stuckByState: () => Promise<{ state: SagaState; count: number }[]>,
): SagaMetrics {
  const outcomes = new Counter({
    name: 'saga_outcomes_total',
    help: 'Purchase sagas by how they ended: completed (paid), compensated (nothing kept), refunded',
    labelNames: ['outcome'],
    registers: [registry],
  })
  const duration = new Histogram({
    name: 'saga_duration_seconds',
    help: 'Time from the order’s placement to the saga’s outcome',
    labelNames: ['outcome'],
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 600, 1800, 3600, 86_400, 604_800],
    registers: [registry],
  })
  new Gauge({
    name: 'saga_stuck',
    help: 'Sagas waiting past their deadline by more than SAGA_STUCK_AFTER_MS, by state',
    labelNames: ['state'],
    registers: [registry],
    async collect() {
      const counts = new Map((await stuckByState()).map((r) => [r.state, r.count]))
      // Every waiting state is present, at 0 when none is stuck, so alerts see the series.
      for (const state of WAITING_STATES) this.set({ state }, counts.get(state) ?? 0)
    },
  })
  return {
    ended(ended, at = new Date()) {
      if (!ended) return
      outcomes.inc({ outcome: ended.outcome })
      duration.observe({ outcome: ended.outcome }, (at.getTime() - ended.startedAt.getTime()) / 1000)
    },
  }
}
