// Rate, errors and duration of one service, route by route, with the process beneath it.
import { dashboard } from '../dashboard.ts'
import { statPanel, timeSeries } from '../panels.ts'

const requests = 'http_server_request_duration_seconds_count{service=~"$service"}'
const buckets = 'http_server_request_duration_seconds_bucket{service=~"$service"}'

const quantile = (q: number, by: string) =>
  `histogram_quantile(${q}, sum by (${by}) (rate(${buckets}[$__rate_interval])))`

export const serviceRed = dashboard({
  uid: 'deals-service-red',
  title: 'Deals / Service RED',
  description: 'Requests, errors and latency of one service by route; its CPU, memory and event loop.',
  tags: ['red'],
  variables: [
    {
      name: 'service',
      label: 'Service',
      query: 'label_values(http_server_request_duration_seconds_count, service)',
    },
  ],
  sections: [
    {
      title: '$service',
      panels: [
        statPanel({
          title: 'Requests/s',
          unit: 'reqps',
          queries: [{ expr: `sum(rate(${requests}[$__rate_interval]))` }],
        }),
        statPanel({
          title: '5xx ratio',
          unit: 'percentunit',
          queries: [
            {
              expr: `sum(rate(http_server_request_duration_seconds_count{service=~"$service",status_code=~"5.."}[$__rate_interval])) / sum(rate(${requests}[$__rate_interval]))`,
            },
          ],
          thresholds: { amber: 0.01, red: 0.05 },
        }),
        statPanel({ title: 'p95', unit: 's', queries: [{ expr: quantile(0.95, 'le') }] }),
        statPanel({
          title: 'p99',
          unit: 's',
          queries: [{ expr: quantile(0.99, 'le') }],
          thresholds: { amber: 0.25, red: 0.5 },
        }),
      ],
    },
    {
      title: 'By route',
      panels: [
        timeSeries({
          title: 'Requests/s by route',
          unit: 'reqps',
          stacked: true,
          queries: [
            {
              expr: `sum by (method, route) (rate(${requests}[$__rate_interval]))`,
              legend: '{{method}} {{route}}',
            },
          ],
        }),
        timeSeries({
          title: 'Errors/s by route and status',
          unit: 'reqps',
          queries: [
            {
              expr: 'sum by (method, route, status_code) (rate(http_server_request_duration_seconds_count{service=~"$service",status_code=~"[45].."}[$__rate_interval]))',
              legend: '{{status_code}} {{method}} {{route}}',
            },
          ],
        }),
        timeSeries({
          title: 'Latency p50 / p95 / p99',
          unit: 's',
          queries: [
            { expr: quantile(0.5, 'le'), legend: 'p50' },
            { expr: quantile(0.95, 'le'), legend: 'p95' },
            { expr: quantile(0.99, 'le'), legend: 'p99' },
          ],
        }),
        timeSeries({
          title: 'p99 by route',
          unit: 's',
          queries: [{ expr: quantile(0.99, 'le, method, route'), legend: '{{method}} {{route}}' }],
        }),
      ],
    },
    {
      title: 'Process',
      panels: [
        timeSeries({
          title: 'CPU by instance (cores)',
          queries: [
            {
              expr: 'rate(process_cpu_seconds_total{service=~"$service"}[$__rate_interval])',
              legend: '{{instance}}',
            },
          ],
          width: 6,
        }),
        timeSeries({
          title: 'Resident memory by instance',
          unit: 'bytes',
          queries: [{ expr: 'process_resident_memory_bytes{service=~"$service"}', legend: '{{instance}}' }],
          width: 6,
        }),
        timeSeries({
          title: 'Heap used by instance',
          unit: 'bytes',
          queries: [
            {
              expr: 'sum by (instance) (nodejs_heap_size_used_bytes{service=~"$service"})',
              legend: '{{instance}}',
            },
          ],
          width: 6,
        }),
        timeSeries({
          title: 'Event loop lag p99 by instance',
          unit: 's',
          queries: [
            { expr: 'nodejs_eventloop_lag_p99_seconds{service=~"$service"}', legend: '{{instance}}' },
          ],
          width: 6,
        }),
      ],
    },
  ],
})
