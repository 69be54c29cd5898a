// Draws the flash-sale run as an SVG: stacked panels sharing the time axis, each with a few
// lines, from the series the scraper computed out of the services' own /metrics.

export interface Line {
  label: string
  color: string
  points: { x: number; y: number }[]
}

export interface Panel {
  title: string
  unit: string
  lines: Line[]
}

const WIDTH = 900
const PANEL_HEIGHT = 200
const MARGIN = { left: 70, right: 170, top: 34, bottom: 30 }

const escape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')

function niceMax(value: number): number {
  if (value <= 0) return 1
  const magnitude = 10 ** Math.floor(Math.log10(value))
  const step = [1, 2, 2.5, 5, 10].find((s) => s * magnitude >= value)!
  return step * magnitude
}

export function renderChart(title: string, subtitle: string, panels: Panel[]): string {
  const maxX = Math.max(1, ...panels.flatMap((p) => p.lines.flatMap((l) => l.points.map((pt) => pt.x))))
  const plotWidth = WIDTH - MARGIN.left - MARGIN.right
  const plotHeight = PANEL_HEIGHT - MARGIN.top - MARGIN.bottom
  const height = 56 + panels.length * PANEL_HEIGHT
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="${MARGIN.left}" y="22" font-size="16" font-weight="bold">${escape(title)}</text>`,
    `<text x="${MARGIN.left}" y="42" fill="#555">${escape(subtitle)}</text>`,
  ]
  panels.forEach((panel, index) => {
    const top = 56 + index * PANEL_HEIGHT + MARGIN.top
    const maxY = niceMax(Math.max(0, ...panel.lines.flatMap((l) => l.points.map((pt) => pt.y))))
    const x = (v: number) => MARGIN.left + (v / maxX) * plotWidth
    const y = (v: number) => top + plotHeight - (v / maxY) * plotHeight
    parts.push(`<text x="${MARGIN.left}" y="${top - 10}" font-weight="bold">${escape(panel.title)}</text>`)
    for (let i = 0; i <= 4; i++) {
      const value = (maxY * i) / 4
      parts.push(
        `<line x1="${MARGIN.left}" x2="${MARGIN.left + plotWidth}" y1="${y(value)}" y2="${y(value)}" stroke="#e5e5e5"/>`,
        `<text x="${MARGIN.left - 6}" y="${y(value) + 4}" text-anchor="end" fill="#555">${Number(value.toPrecision(4))}</text>`,
      )
    }
    for (let i = 0; i <= 5; i++) {
      const value = (maxX * i) / 5
      parts.push(
        `<text x="${x(value)}" y="${top + plotHeight + 16}" text-anchor="middle" fill="#555">${value.toFixed(1)} s</text>`,
      )
    }
    parts.push(
      `<text x="14" y="${top + plotHeight / 2}" transform="rotate(-90 14 ${top + plotHeight / 2})" text-anchor="middle" fill="#555">${escape(panel.unit)}</text>`,
      `<rect x="${MARGIN.left}" y="${top}" width="${plotWidth}" height="${plotHeight}" fill="none" stroke="#999"/>`,
    )
    panel.lines.forEach((line, i) => {
      const path = line.points.map((pt) => `${x(pt.x).toFixed(1)},${y(pt.y).toFixed(1)}`).join(' ')
      if (path) parts.push(`<polyline fill="none" stroke="${line.color}" stroke-width="2" points="${path}"/>`)
      const ly = top + 12 + i * 18
      parts.push(
        `<line x1="${WIDTH - MARGIN.right + 14}" x2="${WIDTH - MARGIN.right + 34}" y1="${ly - 4}" y2="${ly - 4}" stroke="${line.color}" stroke-width="3"/>`,
        `<text x="${WIDTH - MARGIN.right + 40}" y="${ly}">${escape(line.label)}</text>`,
      )
    })
  })
  parts.push('</svg>')
  return parts.join('\n')
}
