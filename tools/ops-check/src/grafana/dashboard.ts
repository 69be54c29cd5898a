// A dashboard from titled sections of panels: lays the panels out left to right in rows of 24
// columns, numbers them, and adds the template variables it is given.
import { VariableHide, VariableRefresh, VariableSort, type Dashboard, type RowPanel } from '@grafana/schema'
import { PROMETHEUS, type MetricPanel } from './panels.ts'

export interface Section {
  title: string
  panels: MetricPanel[]
}

export interface DashboardSpec {
  uid: string
  title: string
  description: string
  tags: string[]
  /** Auto-refresh interval; the live flash-sale board refreshes faster than the others. */
  refresh?: string
  /** Label variables, e.g. `{ name: 'service', query: 'label_values(up{job="deals"}, service)' }`. */
  variables?: { name: string; label: string; query: string; includeAll?: boolean }[]
  sections: Section[]
}

type Laid = RowPanel | MetricPanel

/** A dashboard whose panels keep their specific option types (the schema's Panel has loose ones). */
export type DealsDashboard = Omit<Dashboard, 'panels'> & { uid: string; panels: Laid[] }

function layout(sections: Section[]): Laid[] {
  const laid: Laid[] = []
  let id = 1
  let y = 0
  for (const section of sections) {
    laid.push({
      type: 'row',
      id: id++,
      title: section.title,
      collapsed: false,
      panels: [],
      gridPos: { x: 0, y, w: 24, h: 1 },
    })
    y += 1
    let x = 0
    let rowHeight = 0
    for (const panel of section.panels) {
      const { w, h } = panel.gridPos ?? { w: 12, h: 8 }
      if (x + w > 24) {
        y += rowHeight
        x = 0
        rowHeight = 0
      }
      laid.push({ ...panel, id: id++, gridPos: { x, y, w, h } })
      x += w
      rowHeight = Math.max(rowHeight, h)
    }
    y += rowHeight
  }
  return laid
}

export function dashboard(spec: DashboardSpec): DealsDashboard {
  return {
    uid: spec.uid,
    title: spec.title,
    description: spec.description,
    tags: ['deals', ...spec.tags],
    timezone: 'browser',
    editable: true,
    graphTooltip: 1,
    schemaVersion: 41,
    refresh: spec.refresh ?? '30s',
    time: { from: 'now-1h', to: 'now' },
    templating: {
      list: (spec.variables ?? []).map((v) => ({
        type: 'query',
        name: v.name,
        label: v.label,
        datasource: PROMETHEUS,
        query: v.query,
        refresh: VariableRefresh.onTimeRangeChanged,
        sort: VariableSort.alphabeticalAsc,
        hide: VariableHide.dontHide,
        includeAll: v.includeAll ?? false,
        multi: v.includeAll ?? false,
        ...(v.includeAll ? { allValue: '.+' } : {}),
      })),
    },
    annotations: { list: [] },
    panels: layout(spec.sections),
  }
}
