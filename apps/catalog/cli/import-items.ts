// Imports the item master from a paginated public-data source into DATABASE_URL, with the same
// domain code the service's job runs, showing progress and a summary at the end:
//   node --import tsx apps/catalog/cli/import-items.ts --source <url> [--page-size 100]
//     [--concurrency 4] [--resume <importId>]
// Ctrl-C stops between pages; `--resume` with the import id continues from there.
import { parseArgs } from 'node:util'
import { z } from 'zod'
import { createPrismaClient, loadConfig } from '@deals/service-kit'
import { PrismaClient } from '../src/generated/prisma/client.ts'
import { catalogConfigShape } from '../src/config.ts'
import { ItemImports, MAX_IMPORT_PAGE_SIZE } from '../src/domain/items/item-imports.ts'
import { runItemImport } from '../src/domain/items/item-import-run.ts'
import type { ItemImportView } from '../src/domain/items/item-import-view.ts'
import { progressReporter } from './progress-reporter.ts'

/** Imports started here are recorded as requested by no user. */
const OPERATOR = '00000000-0000-0000-0000-000000000000'

const argsSchema = z
  .object({
    source: z.url({ protocol: /^https?$/ }).optional(),
    'page-size': z.coerce.number().int().min(1).max(MAX_IMPORT_PAGE_SIZE).default(100),
    concurrency: z.coerce.number().int().min(1).max(16).optional(),
    resume: z.uuid().optional(),
  })
  .refine((args) => args.source || args.resume, 'give --source <url>, or --resume <importId>')

function usageError(message: string): never {
  console.error(`import-items: ${message}`)
  console.error('usage: import-items --source <url> [--page-size N] [--concurrency N] | --resume <importId>')
  process.exit(2)
}

function readArgs() {
  try {
    const { values } = parseArgs({
      options: {
        source: { type: 'string' },
        'page-size': { type: 'string' },
        concurrency: { type: 'string' },
        resume: { type: 'string' },
      },
    })
    const parsed = argsSchema.safeParse(values)
    if (!parsed.success)
      usageError(
        parsed.error.issues.map((i) => `${i.path.join('.') || 'arguments'}: ${i.message}`).join('; '),
      )
    return parsed.data
  } catch (error) {
    usageError((error as Error).message)
  }
}

function summary(view: ItemImportView, seconds: number): string {
  const rate = seconds > 0 ? Math.round(view.rowsSeen / seconds) : view.rowsSeen
  return [
    `import ${view.id} ${view.status} in ${seconds.toFixed(1)} s (${rate} rows/s)`,
    `  pages      ${view.pagesDone}/${view.totalPages ?? '?'}`,
    `  rows seen  ${view.rowsSeen}${view.totalRows === null ? '' : ` of ${view.totalRows}`}`,
    `  inserted   ${view.inserted}`,
    `  updated    ${view.updated}`,
    `  duplicate  ${view.duplicate}`,
    `  invalid    ${view.invalid}`,
    ...view.invalidSample.slice(0, 5).map((row) => `    page ${row.pageNo} row ${row.index}: ${row.reason}`),
    ...(view.failureReason ? [`  failure    ${view.failureReason}`] : []),
  ].join('\n')
}

const args = readArgs()
const config = loadConfig(
  {
    NODE_ENV: catalogConfigShape.NODE_ENV,
    DATABASE_URL: catalogConfigShape.DATABASE_URL,
    ITEM_IMPORT_CONCURRENCY: catalogConfigShape.ITEM_IMPORT_CONCURRENCY,
  },
  process.env,
)
const db = createPrismaClient({
  databaseUrl: config.DATABASE_URL,
  createClient: (adapter) => new PrismaClient({ adapter }),
})
const interrupted = new AbortController()
process.once('SIGINT', () => interrupted.abort(new Error('interrupted')))

const imports = new ItemImports(db)
const startedAt = performance.now()
let exitCode = 0
try {
  const record = args.resume
    ? await imports.get(args.resume)
    : await imports.request({ sourceUrl: args.source!, pageSize: args['page-size'], requestedBy: OPERATOR })
  const reporter = progressReporter(process.stdout)
  reporter.start(record)
  let result: ItemImportView
  try {
    result = await runItemImport(db, record.id, {
      concurrency: args.concurrency ?? config.ITEM_IMPORT_CONCURRENCY,
      signal: interrupted.signal,
      onProgress: (progress) => reporter.update(progress),
    })
  } finally {
    reporter.stop()
  }
  console.log(summary(result, (performance.now() - startedAt) / 1000))
  exitCode = result.status === 'COMPLETED' ? 0 : 1
} catch (error) {
  if (interrupted.signal.aborted) {
    console.error(
      `import-items: interrupted; continue with --resume <importId> (see GET /admin/item-imports)`,
    )
    exitCode = 130
  } else {
    console.error(`import-items: ${(error as Error).message}`)
    exitCode = 1
  }
} finally {
  await db.$disconnect()
}
process.exit(exitCode)
