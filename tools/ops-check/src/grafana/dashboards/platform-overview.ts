// The first board an operator opens: is every service up, how much traffic, how many errors,
// how slow, and is anything piling up behind the scenes.
import { dashboard } from '../dashboard.ts'
import { statPanel, timeSeries } from '../panels.ts'

export const platformOverview = dashboard({
  uid: 'deals-platform-overview',
  title: 'Deals / Platform overview',
  description: 'Every service at a glance: availability, RED, runtime and backlogs.',
  tags: ['overview'],
  sections: [
    {
      title: 'Now',
      panels: [
        statPanel({
          title: 'Service instances up',
          queries: [{ expr: 'count(up{job="deals"} == 1)' }],
          width: 5,
        }),
        statPanel({
          title: 'Requests/s',
          unit: 'reqps',
          queries: [{ expr: 'sum(service:http_requests:rate5m)' }],
          width: 5,
        }),
        statPanel({
          title: '5xx ratio',
          unit: 'percentunit',
          queries: [{ expr: 'sum(service:http_server_errors:rate5m) / sum(service:http_requests:rate5m)' }],
          thresholds: { amber: 0.01, red: 0.05 },
          width: 5,
        }),
        statPanel({
          title: 'Worst p99 latency',
          unit: 's',
          queries: [{ expr: 'max(service:http_request_duration_seconds:p99_5m)' }],
          thresholds: { amber: 0.25, red: 0.5 },
          width: 5,
        }),
        statPanel({
          title: 'Alerts firing',
          queries: [{ expr: 'count(ALERTS{alertstate="firing"}) or vector(0)' }],
          thresholds: { red: 1 },
          width: 4,
        }),
      ],
    },
    {
      title: 'Traffic, errors, duration',
      panels: [
        timeSeries({
          title: 'Requests/s by service',
          unit: 'reqps',
          stacked: true,
          queries: [{ expr: 'service:http_requests:rate5m', legend: '{{service}}' }],
        }),
        timeSeries({
          title: '5xx ratio by service',
          unit: 'percentunit',
          queries: [{ expr: 'service:http_server_errors:ratio_rate5m', legend: '{{service}}' }],
          thresholds: { red: 0.05 },
        }),
        timeSeries({
          title: 'p99 latency by service',
          unit: 's',
          queries: [{ expr: 'service:http_request_duration_seconds:p99_5m', legend: '{{service}}' }],
        }),
        timeSeries({
          title: 'Gateway: upstream failures/s',
          unit: 'reqps',
          queries: [
            {
              expr: 'sum by (service, cause) (rate(gateway_upstream_errors_total[$__rate_interval]))',
              legend: '{{service}} {{cause}}',
            },
          ],
        }),
      ],
    },
    {
      title: 'Backlogs',
      panels: [
        timeSeries({
          title: 'Outbox lag (oldest unpublished event)',
          unit: 's',
          queries: [{ expr: 'max by (service) (messaging_outbox_lag_seconds)', legend: '{{service}}' }],
          thresholds: { red: 30 },
          width: 8,
        }),
        timeSeries({
          title: 'Messages in parking queues',
          queries: [
            {
              expr: 'sum by (queue) (rabbitmq_detailed_queue_messages{queue=~".+\\\\.parking"})',
              legend: '{{queue}}',
            },
          ],
          thresholds: { red: 1 },
          width: 8,
        }),
        timeSeries({
          title: 'Scheduled jobs: start lag p99',
          unit: 's',
          queries: [
            {
              expr: 'histogram_quantile(0.99, sum by (service, le) (rate(jobs_start_lag_seconds_bucket[$__rate_interval])))',
              legend: '{{service}}',
            },
          ],
          width: 8,
        }),
      ],
    },
    {
      title: 'Runtime and live connections',
      panels: [
        timeSeries({
          title: 'CPU (cores)',
          queries: [
            {
              expr: 'sum by (service) (rate(process_cpu_seconds_total{job="deals"}[$__rate_interval]))',
              legend: '{{service}}',
            },
          ],
          width: 6,
        }),
        timeSeries({
          title: 'Resident memory',
          unit: 'bytes',
          queries: [
            { expr: 'sum by (service) (process_resident_memory_bytes{job="deals"})', legend: '{{service}}' },
          ],
          width: 6,
        }),
        timeSeries({
          title: 'Event loop lag p99',
          unit: 's',
          queries: [{ expr: 'max by (service) (nodejs_eventloop_lag_p99_seconds)', legend: '{{service}}' }],
          width: 6,
        }),
        timeSeries({
          title: 'Open SSE and WebSocket connections',
          queries: [
            { expr: 'sum by (service) (sse_connections)', legend: 'SSE {{service}}' },
            { expr: 'sum by (service) (websocket_connections)', legend: 'WebSocket {{service}}' },
          ],
          width: 6,
        }),
      ],
    },
  ],
})
