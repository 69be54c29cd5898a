// Shows an import's progress: a bar (cli-progress) on a terminal, a plain line per 10 % otherwise
// (logs and CI keep a readable record instead of carriage returns).
import cliProgress from 'cli-progress'
import type { ItemImportView } from '../src/domain/items/item-import-view.ts'

export interface ProgressReporter {
  start(view: ItemImportView): void
  update(view: ItemImportView): void
  stop(): void
}

export function progressReporter(stream: NodeJS.WriteStream): ProgressReporter {
  return stream.isTTY ? barReporter(stream) : lineReporter(stream)
}

function barReporter(stream: NodeJS.WriteStream): ProgressReporter {
  const bar = new cliProgress.SingleBar(
    {
      stream,
      format: 'items [{bar}] {percentage}% | page {value}/{total} | {rows} rows | {eta_formatted} left',
      hideCursor: true,
    },
    cliProgress.Presets.shades_classic,
  )
  let started = false
  return {
    start(view) {
      stream.write(`import ${view.id} from ${view.sourceUrl}\n`)
    },
    update(view) {
      if (!started) {
        bar.start(view.totalPages ?? 0, view.pagesDone, { rows: view.rowsSeen })
        started = true
      }
      bar.update(view.pagesDone, { rows: view.rowsSeen })
    },
    stop() {
      if (started) bar.stop()
    },
  }
}

function lineReporter(stream: NodeJS.WriteStream): ProgressReporter {
  let lastStep = -1
  return {
    start(view) {
      stream.write(`import ${view.id} from ${view.sourceUrl}\n`)
    },
    update(view) {
      const step = Math.floor(view.percent / 10)
      if (step === lastStep) return
      lastStep = step
      stream.write(
        `progress ${view.percent}% page ${view.pagesDone}/${view.totalPages} rows ${view.rowsSeen}\n`,
      )
    },
    stop() {},
  }
}
