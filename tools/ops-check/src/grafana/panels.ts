// Builders for the panel kinds the dashboards use, typed by @grafana/schema so a wrong option is
// a compile error. Every panel queries the provisioned Prometheus data source.
import {
  BigValueColorMode,
  BigValueGraphMode,
  BigValueJustifyMode,
  BigValueTextMode,
  FieldColorModeId,
  GraphDrawStyle,
  LegendDisplayMode,
  PercentChangeColorMode,
  SortOrder,
  StackingMode,
  ThresholdsMode,
  TooltipDisplayMode,
  VizOrientation,
  type DataQuery,
  type FieldConfigSource,
  type Panel,
  type ThresholdsConfig,
} from '@grafana/schema'
import type * as stat from '@grafana/schema/dist/esm/raw/composable/stat/panelcfg/x/StatPanelCfg_types.gen'
import type * as timeseries from '@grafana/schema/dist/esm/raw/composable/timeseries/panelcfg/x/TimeSeriesPanelCfg_types.gen'

/** The data source provisioned in infra/grafana/provisioning/datasources. */
export const PROMETHEUS = { type: 'prometheus', uid: 'prometheus' } as const

/**
 * A Prometheus target. @grafana/schema has no type for the Prometheus plugin's query, so this
 * names the fields the plugin reads on top of the common DataQuery.
 */
export type PrometheusQuery = { [K in keyof DataQuery]: DataQuery[K] } & {
  expr: string
  legendFormat?: string
  instant?: boolean
  range?: boolean
  format?: 'time_series' | 'table' | 'heatmap'
}

export type TimeSeriesPanel = Panel<timeseries.Options, timeseries.FieldConfig> & {
  type: 'timeseries'
  options: timeseries.Options
  targets: PrometheusQuery[]
}
export type StatPanel = Panel<stat.Options> & {
  type: 'stat'
  options: stat.Options
  targets: PrometheusQuery[]
}
export type MetricPanel = TimeSeriesPanel | StatPanel

export interface Query {
  expr: string
  legend?: string
}

export interface PanelSpec {
  title: string
  description?: string
  /** Grafana unit id: `reqps`, `s`, `percentunit`, `short`, `bytes`... */
  unit?: string
  queries: Query[]
  /** Grid columns out of 24. */
  width?: number
  /** A value at or above `red` turns the panel red; at or above `amber`, amber. */
  thresholds?: { amber?: number; red: number }
}

function targets(queries: Query[]): PrometheusQuery[] {
  return queries.map((q, i) => ({
    refId: String.fromCharCode(65 + i),
    datasource: PROMETHEUS,
    expr: q.expr,
    ...(q.legend === undefined ? {} : { legendFormat: q.legend }),
  }))
}

function thresholdSteps(spec: PanelSpec): ThresholdsConfig {
  const steps: ThresholdsConfig['steps'] = [{ color: 'green', value: null }]
  if (spec.thresholds?.amber !== undefined) steps.push({ color: 'orange', value: spec.thresholds.amber })
  if (spec.thresholds) steps.push({ color: 'red', value: spec.thresholds.red })
  return { mode: ThresholdsMode.Absolute, steps }
}

function fieldConfig<C>(spec: PanelSpec, custom: C & Record<string, unknown>): FieldConfigSource<C> {
  return {
    defaults: {
      unit: spec.unit ?? 'short',
      color: { mode: spec.thresholds ? FieldColorModeId.Thresholds : FieldColorModeId.PaletteClassic },
      thresholds: thresholdSteps(spec),
      custom,
    },
    overrides: [],
  }
}

export function timeSeries(spec: PanelSpec & { stacked?: boolean }): TimeSeriesPanel {
  return {
    type: 'timeseries',
    title: spec.title,
    ...(spec.description === undefined ? {} : { description: spec.description }),
    datasource: PROMETHEUS,
    gridPos: { x: 0, y: 0, w: spec.width ?? 12, h: 8 },
    fieldConfig: fieldConfig<timeseries.FieldConfig>(spec, {
      drawStyle: GraphDrawStyle.Line,
      lineWidth: 1,
      fillOpacity: spec.stacked ? 40 : 10,
      stacking: { mode: spec.stacked ? StackingMode.Normal : StackingMode.None, group: 'A' },
    }),
    options: {
      legend: {
        showLegend: true,
        displayMode: LegendDisplayMode.List,
        placement: 'bottom',
        calcs: [],
      },
      tooltip: { mode: TooltipDisplayMode.Multi, sort: SortOrder.Descending },
    },
    targets: targets(spec.queries),
  }
}

export function statPanel(spec: PanelSpec): StatPanel {
  return {
    type: 'stat',
    title: spec.title,
    ...(spec.description === undefined ? {} : { description: spec.description }),
    datasource: PROMETHEUS,
    gridPos: { x: 0, y: 0, w: spec.width ?? 6, h: 4 },
    fieldConfig: fieldConfig<Record<string, unknown>>(spec, {}),
    options: {
      reduceOptions: { calcs: ['lastNotNull'], fields: '', values: false },
      orientation: VizOrientation.Auto,
      colorMode: BigValueColorMode.Value,
      graphMode: BigValueGraphMode.Area,
      justifyMode: BigValueJustifyMode.Auto,
      textMode: BigValueTextMode.Auto,
      percentChangeColorMode: PercentChangeColorMode.Standard,
      showPercentChange: false,
      wideLayout: true,
    },
    targets: targets(spec.queries),
  }
}
