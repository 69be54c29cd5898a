// What an operator watches while a deal opens: stock draining, buyers waiting and admitted,
// reservations by outcome, and whether the order path keeps its latency.
import { dashboard } from '../dashboard.ts'
import { statPanel, timeSeries } from '../panels.ts'

const deal = 'deal_id=~"$deal_id"'

export const flashSaleLive = dashboard({
  uid: 'deals-flash-sale-live',
  title: 'Deals / Flash sale live',
  description: 'Stock, waiting room and purchase path of the deals that are open now.',
  tags: ['flash-sale'],
  refresh: '5s',
  variables: [
    {
      name: 'deal_id',
      label: 'Deal',
      query: 'label_values(order_stock_remaining, deal_id)',
      includeAll: true,
    },
  ],
  sections: [
    {
      title: 'Stock and buyers',
      panels: [
        statPanel({
          title: 'Units remaining',
          queries: [{ expr: `sum(order_stock_remaining{${deal}})` }],
          width: 6,
        }),
        statPanel({
          title: 'Buyers waiting',
          queries: [{ expr: `sum(queue_waiting{${deal}})` }],
          width: 6,
        }),
        statPanel({
          title: 'Admitted/s',
          unit: 'reqps',
          queries: [{ expr: 'sum(rate(queue_admitted_total[1m]))' }],
          width: 6,
        }),
        statPanel({
          title: 'Sold-out answers/s',
          unit: 'reqps',
          queries: [{ expr: 'sum(rate(order_sold_out_total[1m]))' }],
          width: 6,
        }),
        timeSeries({
          title: 'Units remaining by deal',
          queries: [{ expr: `min by (deal_id) (order_stock_remaining{${deal}})`, legend: '{{deal_id}}' }],
          thresholds: { red: -0.5 },
        }),
        timeSeries({
          title: 'Waiting room by deal',
          queries: [{ expr: `sum by (deal_id) (queue_waiting{${deal}})`, legend: '{{deal_id}}' }],
        }),
      ],
    },
    {
      title: 'Purchase path',
      panels: [
        timeSeries({
          title: 'Reservations/s by outcome',
          unit: 'reqps',
          stacked: true,
          queries: [{ expr: 'sum by (outcome) (rate(order_reservations_total[1m]))', legend: '{{outcome}}' }],
          width: 8,
        }),
        timeSeries({
          title: 'Order service requests/s by status',
          unit: 'reqps',
          queries: [
            {
              expr: 'sum by (status_code) (rate(http_server_request_duration_seconds_count{service="order"}[1m]))',
              legend: '{{status_code}}',
            },
          ],
          width: 8,
        }),
        timeSeries({
          title: 'p99 latency: gateway and order',
          unit: 's',
          queries: [
            {
              expr: 'histogram_quantile(0.99, sum by (service, le) (rate(http_server_request_duration_seconds_bucket{service=~"gateway|order"}[1m])))',
              legend: '{{service}}',
            },
          ],
          thresholds: { red: 0.05 },
          width: 8,
        }),
        timeSeries({
          title: 'Open SSE connections (waiting room)',
          queries: [{ expr: 'sum(sse_connections{service="queue"})', legend: 'queue' }],
          width: 12,
        }),
        timeSeries({
          title: 'Gateway upstream failures/s',
          unit: 'reqps',
          queries: [
            {
              expr: 'sum by (service, cause) (rate(gateway_upstream_errors_total[1m]))',
              legend: '{{service}} {{cause}}',
            },
          ],
          width: 12,
        }),
      ],
    },
  ],
})
