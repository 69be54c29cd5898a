// Every metric the dashboards and alert rules read, and who is expected to export it.
import { readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { parse } from 'yaml'
import { metricNames, variableQueryMetrics } from './promql.ts'
import { repoRoot, type ServiceName } from './platform.ts'

export interface MetricReference {
  metric: string
  /** Where it is read: `dashboard deals-flash-sale-live: Units remaining`, `rule DealsOversold`. */
  where: string
}

interface DashboardJson {
  uid: string
  panels: { title?: string; targets?: { expr?: string }[] }[]
  templating?: { list?: { name: string; query?: string }[] }
}

interface RuleFile {
  groups: { rules: { record?: string; alert?: string; expr: string }[] }[]
}

export const dashboardsDir = join(repoRoot, 'infra', 'grafana', 'dashboards')
export const rulesDir = join(repoRoot, 'infra', 'prometheus', 'rules')

export function dashboardFiles(): { file: string; dashboard: DashboardJson }[] {
  return readdirSync(dashboardsDir)
    .filter((f) => f.endsWith('.json'))
    .map((f) => ({
      file: f,
      dashboard: JSON.parse(readFileSync(join(dashboardsDir, f), 'utf8')) as DashboardJson,
    }))
}

export function ruleFiles(): { file: string; rules: RuleFile }[] {
  return readdirSync(rulesDir)
    .filter((f) => f.endsWith('.yml'))
    .map((f) => ({ file: f, rules: parse(readFileSync(join(rulesDir, f), 'utf8')) as RuleFile }))
}

/** Series the rules record: they exist once Prometheus evaluates the rules, not on any service. */
export function recordedNames(): Set<string> {
  return new Set(
    ruleFiles().flatMap(({ rules }) => rules.groups.flatMap((g) => g.rules.flatMap((r) => r.record ?? []))),
  )
}

export function metricReferences(): MetricReference[] {
  const refs: MetricReference[] = []
  for (const { dashboard } of dashboardFiles()) {
    for (const panel of dashboard.panels)
      for (const target of panel.targets ?? [])
        if (target.expr)
          for (const metric of metricNames(target.expr))
            refs.push({ metric, where: `dashboard ${dashboard.uid}: ${panel.title}` })
    for (const variable of dashboard.templating?.list ?? [])
      for (const metric of variableQueryMetrics(variable.query ?? ''))
        refs.push({ metric, where: `dashboard ${dashboard.uid}: variable ${variable.name}` })
  }
  for (const { rules } of ruleFiles())
    for (const group of rules.groups)
      for (const rule of group.rules)
        for (const metric of metricNames(rule.expr))
          refs.push({ metric, where: `rule ${rule.alert ?? rule.record}` })
  const recorded = recordedNames()
  return refs.filter((r) => !recorded.has(r.metric))
}

/** Exported by Prometheus itself or by the infrastructure's exporters, not by a service. */
export function isInfrastructureMetric(metric: string): boolean {
  return ['up', 'ALERTS'].includes(metric) || /^(rabbitmq|otelcol)_/.test(metric)
}

/**
 * Product metrics the service teams are adding: the service that will export each. While that
 * service does not exist yet its metrics are reported and skipped; once it exists they must be
 * on its /metrics like every other.
 */
export const PLANNED_METRICS: Record<string, ServiceName[]> = {
  order_reservations_total: ['order'],
  order_sold_out_total: ['order'],
  order_stock_remaining: ['order'],
  queue_waiting: ['queue'],
  queue_admitted_total: ['queue'],
  sse_connections: ['queue', 'notification'],
  websocket_connections: ['party'],
}

/** A histogram or summary family `x` is scraped as `x_bucket`, `x_sum` and `x_count`. */
export function family(metric: string): string {
  return metric.replace(/_(bucket|sum|count)$/, '')
}
