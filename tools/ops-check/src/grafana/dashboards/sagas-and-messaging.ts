// The asynchronous half of the platform: purchase sagas, the outbox, consumers and their
// parking queues, and scheduled jobs.
import { dashboard } from '../dashboard.ts'
import { statPanel, timeSeries } from '../panels.ts'

export const sagasAndMessaging = dashboard({
  uid: 'deals-sagas-messaging',
  title: 'Deals / Sagas and messaging',
  description: 'Purchase sagas, outbox relays, consumers, parking queues and scheduled jobs.',
  tags: ['sagas', 'messaging'],
  sections: [
    {
      title: 'Purchase sagas',
      panels: [
        statPanel({
          title: 'Stuck sagas',
          queries: [{ expr: 'sum(saga_stuck)' }],
          thresholds: { red: 1 },
          width: 6,
        }),
        timeSeries({
          title: 'Saga outcomes/s',
          unit: 'ops',
          stacked: true,
          queries: [
            { expr: 'sum by (outcome) (rate(saga_outcomes_total[$__rate_interval]))', legend: '{{outcome}}' },
          ],
          width: 9,
        }),
        timeSeries({
          title: 'Saga duration p50 / p95',
          unit: 's',
          queries: [
            {
              expr: 'histogram_quantile(0.5, sum by (le) (rate(saga_duration_seconds_bucket[$__rate_interval])))',
              legend: 'p50',
            },
            {
              expr: 'histogram_quantile(0.95, sum by (le) (rate(saga_duration_seconds_bucket[$__rate_interval])))',
              legend: 'p95',
            },
          ],
          width: 9,
        }),
      ],
    },
    {
      title: 'Outbox and consumers',
      panels: [
        timeSeries({
          title: 'Events published/s',
          unit: 'ops',
          queries: [
            {
              expr: 'sum by (service) (rate(messaging_outbox_published_total[$__rate_interval]))',
              legend: '{{service}}',
            },
          ],
          width: 8,
        }),
        timeSeries({
          title: 'Outbox lag',
          unit: 's',
          queries: [{ expr: 'max by (service) (messaging_outbox_lag_seconds)', legend: '{{service}}' }],
          thresholds: { red: 30 },
          width: 8,
        }),
        timeSeries({
          title: 'Outbox publish failures/s',
          unit: 'ops',
          queries: [
            {
              expr: 'sum by (service) (rate(messaging_outbox_publish_failures_total[$__rate_interval]))',
              legend: '{{service}}',
            },
          ],
          width: 8,
        }),
        timeSeries({
          title: 'Messages consumed/s by outcome',
          unit: 'ops',
          stacked: true,
          queries: [
            {
              expr: 'sum by (consumer, outcome) (rate(messaging_consumer_messages_total[$__rate_interval]))',
              legend: '{{consumer}} {{outcome}}',
            },
          ],
        }),
        timeSeries({
          title: 'Duplicates absorbed by the inbox/s',
          unit: 'ops',
          queries: [
            {
              expr: 'sum by (consumer) (rate(messaging_consumer_messages_total{outcome="duplicate"}[$__rate_interval]))',
              legend: '{{consumer}}',
            },
          ],
        }),
      ],
    },
    {
      title: 'RabbitMQ queues',
      panels: [
        timeSeries({
          title: 'Parked messages by queue',
          queries: [
            {
              expr: 'sum by (queue) (rabbitmq_detailed_queue_messages{queue=~".+\\\\.parking"})',
              legend: '{{queue}}',
            },
          ],
          thresholds: { red: 1 },
        }),
        timeSeries({
          title: 'Ready messages by queue',
          queries: [
            {
              expr: 'sum by (queue) (rabbitmq_detailed_queue_messages_ready{queue!~".+\\\\.(parking|retry\\\\..+)"})',
              legend: '{{queue}}',
            },
          ],
        }),
      ],
    },
    {
      title: 'Scheduled jobs',
      panels: [
        timeSeries({
          title: 'Start lag p99 by job',
          unit: 's',
          queries: [
            {
              expr: 'histogram_quantile(0.99, sum by (job_name, le) (rate(jobs_start_lag_seconds_bucket[$__rate_interval])))',
              legend: '{{job_name}}',
            },
          ],
          width: 8,
        }),
        timeSeries({
          title: 'Job runs/s by outcome',
          unit: 'ops',
          stacked: true,
          queries: [
            {
              expr: 'sum by (outcome) (rate(jobs_runs_total[$__rate_interval]))',
              legend: '{{outcome}}',
            },
          ],
          width: 8,
        }),
        timeSeries({
          title: 'Job duration p95',
          unit: 's',
          queries: [
            {
              expr: 'histogram_quantile(0.95, sum by (service, le) (rate(jobs_duration_seconds_bucket[$__rate_interval])))',
              legend: '{{service}}',
            },
          ],
          width: 8,
        }),
      ],
    },
  ],
})
