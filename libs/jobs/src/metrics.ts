// Prometheus metrics of scheduled jobs: how late each ran after it was due, how long it took, and
// how it ended. Registered in the caller's Registry, or left unregistered. The job is named by
// `job_name`: a `job` label would collide with the scrape target's own.
import { Counter, Histogram, type Registry } from 'prom-client'

export interface JobMetrics {
  lag: Histogram<'job_name'>
  duration: Histogram<'job_name'>
  runs: Counter<'job_name' | 'outcome'>
}

function reuse<M>(registry: Registry | undefined, name: string, create: (registers: Registry[]) => M): M {
  const existing = registry?.getSingleMetric(name)
  return existing ? (existing as M) : create(registry ? [registry] : [])
}

export function jobMetrics(registry?: Registry): JobMetrics {
  return {
    lag: reuse(
      registry,
      'jobs_start_lag_seconds',
      (registers) =>
        new Histogram({
          name: 'jobs_start_lag_seconds',
          help: 'Time between when a job was due and when its handler started',
          labelNames: ['job_name'],
          buckets: [0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 15, 60],
          registers,
        }),
    ),
    duration: reuse(
      registry,
      'jobs_duration_seconds',
      (registers) =>
        new Histogram({
          name: 'jobs_duration_seconds',
          help: 'Time a job handler ran',
          labelNames: ['job_name'],
          buckets: [0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 30, 120],
          registers,
        }),
    ),
    runs: reuse(
      registry,
      'jobs_runs_total',
      (registers) =>
        new Counter({
          name: 'jobs_runs_total',
          help: 'Job runs by outcome (completed or failed; a failed run is retried)',
          labelNames: ['job_name', 'outcome'],
          registers,
        }),
    ),
  }
}
