// Item master import throughput: 100,000 generated rows served by the local sample source
// (pages of 1,000), imported into a fresh database by the same code the service's job runs;
// then the same import again, where every row is an update. Prints rows/s for both and writes
// bench/results/item-import.json.
import { randomUUID } from 'node:crypto'
import { mkdirSync, writeFileSync } from 'node:fs'
import { cpus } from 'node:os'
import { createPrismaClient } from '@deals/service-kit'
import { createTestDatabase } from '@deals/testing'
import { PrismaClient } from '../src/generated/prisma/client.ts'
import { ItemImports } from '../src/domain/items/item-imports.ts'
import { runItemImport } from '../src/domain/items/item-import-run.ts'
import type { ItemImportView } from '../src/domain/items/item-import-view.ts'
import { generateItemRows } from '../fixtures/item-rows.ts'
import { startSampleItemSource } from '../fixtures/sample-item-source.ts'
import { MIGRATIONS_DIR } from '../test/support/test-catalog-app.ts'

const ROWS = 100_000
const PAGE_SIZE = 1000
const CONCURRENCY = Number(process.env.ITEM_IMPORT_CONCURRENCY ?? 4)

const database = await createTestDatabase({ prefix: 'catalog_bench_items', migrationsDir: MIGRATIONS_DIR })
const db = createPrismaClient({
  databaseUrl: database.url,
  createClient: (adapter) => new PrismaClient({ adapter }),
})
const rows = generateItemRows(ROWS, { seed: 42 })
const source = await startSampleItemSource({ rows, pageSize: PAGE_SIZE })

async function timedImport(label: string) {
  const record = await new ItemImports(db).request({
    sourceUrl: source.url,
    pageSize: PAGE_SIZE,
    requestedBy: randomUUID(),
  })
  const started = performance.now()
  const view: ItemImportView = await runItemImport(db, record.id, { concurrency: CONCURRENCY })
  const seconds = (performance.now() - started) / 1000
  if (view.status !== 'COMPLETED') throw new Error(`${label} import ${view.status}: ${view.failureReason}`)
  const rowsPerSecond = Math.round(view.rowsSeen / seconds)
  console.log(
    `${label.padEnd(9)} ${view.rowsSeen} rows in ${seconds.toFixed(1)} s = ${rowsPerSecond} rows/s ` +
      `(inserted ${view.inserted}, updated ${view.updated}, duplicate ${view.duplicate}, invalid ${view.invalid})`,
  )
  return {
    seconds: Number(seconds.toFixed(2)),
    rowsPerSecond,
    rowsSeen: view.rowsSeen,
    inserted: view.inserted,
    updated: view.updated,
    duplicate: view.duplicate,
    invalid: view.invalid,
  }
}

try {
  console.log(`item import: ${ROWS} rows, pages of ${PAGE_SIZE}, ${CONCURRENCY} pages fetched at a time`)
  const fresh = await timedImport('fresh')
  const rerun = await timedImport('re-import')
  const result = {
    scenario: 'catalog item master import',
    date: new Date().toISOString(),
    machine: { cpus: cpus().length, model: cpus()[0]?.model },
    rows: ROWS,
    pageSize: PAGE_SIZE,
    concurrency: CONCURRENCY,
    fresh,
    rerun,
  }
  mkdirSync(new URL('./results/', import.meta.url), { recursive: true })
  writeFileSync(
    new URL('./results/item-import.json', import.meta.url),
    `${JSON.stringify(result, null, 2)}\n`,
  )
} finally {
  await source.close()
  await db.$disconnect()
  await database.drop()
}
