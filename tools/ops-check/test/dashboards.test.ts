// The provisioned dashboards are Grafana dashboard JSON: the dashboard and each panel fit the
// types of @grafana/schema (panel options by panel type), every query is valid PromQL, and
// every data source they name is provisioned.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parse } from 'yaml'
import { dashboardFiles } from '../src/metric-references.ts'
import { repoRoot } from '../src/platform.ts'
import { metricNames, variableQueryMetrics } from '../src/promql.ts'
import { typeCheckLiterals, type LiteralCheck } from '../src/type-check.ts'

const files = dashboardFiles()
// Panel options are typed per panel plugin; panels.ts pairs each with its @grafana/schema types.
const panelTypes: Record<string, { from: string; type: string }> = {
  timeseries: { from: './src/grafana/panels.ts', type: 'Literal<M.TimeSeriesPanel>' },
  stat: { from: './src/grafana/panels.ts', type: 'Literal<M.StatPanel>' },
  row: { from: '@grafana/schema', type: 'Literal<M.RowPanel>' },
}

test('the four dashboards are provisioned, each with a unique uid', () => {
  assert.deepEqual(files.map((f) => f.dashboard.uid).sort(), [
    'deals-flash-sale-live',
    'deals-platform-overview',
    'deals-sagas-messaging',
    'deals-service-red',
  ])
  for (const { file, dashboard } of files) assert.equal(file, `${dashboard.uid}.json`)
})

test('every dashboard and panel fits the @grafana/schema types', () => {
  const checks: LiteralCheck[] = []
  for (const { dashboard } of files) {
    checks.push({
      label: dashboard.uid,
      from: '@grafana/schema',
      type: `Literal<M.Dashboard>`,
      value: { ...dashboard, panels: [] },
    })
    for (const panel of dashboard.panels as { type: string; title: string }[]) {
      const typed = panelTypes[panel.type]
      assert.ok(typed, `${dashboard.uid}: no type known for panel type ${panel.type}`)
      checks.push({ label: `${dashboard.uid}: ${panel.title}`, ...typed, value: panel })
    }
  }
  assert.deepEqual(Object.fromEntries(typeCheckLiterals(checks)), {})
})

test('every panel query and variable query is valid PromQL reading at least one metric', () => {
  for (const { dashboard } of files) {
    for (const panel of dashboard.panels)
      for (const target of panel.targets ?? [])
        assert.ok(metricNames(target.expr!).length > 0, `${dashboard.uid}: ${panel.title}`)
    for (const variable of dashboard.templating?.list ?? [])
      assert.ok(variableQueryMetrics(variable.query ?? '').length > 0, `${dashboard.uid}: $${variable.name}`)
  }
})

test('every data source a dashboard uses is provisioned', () => {
  const provisioned = parse(
    readFileSync(
      join(repoRoot, 'infra', 'grafana', 'provisioning', 'datasources', 'datasources.yml'),
      'utf8',
    ),
  ) as { datasources: { uid: string; type: string }[] }
  const known = new Set(provisioned.datasources.map((d) => `${d.type}/${d.uid}`))
  for (const { dashboard } of files) {
    const used = JSON.stringify(dashboard).matchAll(/"datasource":\{"type":"(\w+)","uid":"(\w+)"\}/g)
    for (const [, type, uid] of used)
      assert.ok(known.has(`${type}/${uid}`), `${dashboard.uid} uses ${type}/${uid}`)
  }
})
