// Metric names a PromQL expression reads, from the Prometheus project's own PromQL grammar.
import { parser } from '@prometheus-io/lezer-promql'

/** Grafana's interval macros are not PromQL; any duration stands in for them. */
function withoutGrafanaMacros(expr: string): string {
  return expr.replace(/\$__(rate_interval|interval|range)/g, '5m')
}

/** Throws on a syntax error, naming where it is. */
export function metricNames(expr: string): string[] {
  const source = withoutGrafanaMacros(expr)
  const names = new Set<string>()
  parser.parse(source).iterate({
    enter(node) {
      if (node.type.isError) throw new Error(`PromQL syntax error at ${node.from} in: ${expr}`)
      if (node.name === 'VectorSelector') {
        const identifier = node.node.getChild('Identifier')
        if (identifier) names.add(source.slice(identifier.from, identifier.to))
      }
      if (node.name === 'UnquotedLabelMatcher' && source.slice(node.from, node.to).startsWith('__name__')) {
        const value = node.node.getChild('StringLiteral')
        if (value) names.add(source.slice(value.from + 1, value.to - 1))
      }
    },
  })
  return [...names]
}

/** `label_values(metric, label)` in a Grafana template variable reads `metric`. */
export function variableQueryMetrics(query: string): string[] {
  const inner = /^label_values\((.+),\s*[a-zA-Z_]\w*\)$/.exec(query.trim())?.[1]
  return inner ? metricNames(inner) : []
}
