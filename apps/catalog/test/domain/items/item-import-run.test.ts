import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { createPrismaClient } from '@deals/service-kit'
import { createTestDatabase, type TestDatabase } from '@deals/testing'
import { PrismaClient } from '../../../src/generated/prisma/client.ts'
import type { CatalogDb } from '../../../src/domain/database.ts'
import { ItemImports } from '../../../src/domain/items/item-imports.ts'
import { runItemImport } from '../../../src/domain/items/item-import-run.ts'
import { generateItemRows } from '../../../fixtures/item-rows.ts'
import { startSampleItemSource } from '../../../fixtures/sample-item-source.ts'
import { MIGRATIONS_DIR } from '../../support/test-catalog-app.ts'
import { expectedImport } from '../../support/sample-items.ts'

const fastRetries = { attempts: 3, timeoutMs: 2000, backoffMs: 10 }

describe('running an item import', () => {
  let database: TestDatabase
  let db: CatalogDb

  before(async () => {
    database = await createTestDatabase({ prefix: 'catalog_items', migrationsDir: MIGRATIONS_DIR })
    db = createPrismaClient({
      databaseUrl: database.url,
      createClient: (adapter) => new PrismaClient({ adapter }),
    })
  })
  after(async () => {
    await db.$disconnect()
    await database.drop()
  })

  const newImport = (sourceUrl: string, pageSize: number) =>
    new ItemImports(db).request({ sourceUrl, pageSize, requestedBy: randomUUID() })

  test('a run that dies after some pages is resumed by the next run with the same totals', async () => {
    const rows = generateItemRows(1000, { seed: 21, duplicateRate: 0.15, invalidRate: 0.05 })
    const expected = expectedImport(rows)
    const source = await startSampleItemSource({ rows })
    try {
      const record = await newImport(source.url, 40)
      const crash = new AbortController()
      const progress: number[] = []
      await assert.rejects(
        runItemImport(db, record.id, {
          concurrency: 4,
          fetchPolicy: fastRetries,
          signal: crash.signal,
          onProgress: (view) => {
            progress.push(view.pagesDone)
            if (view.pagesDone === 9) crash.abort(new Error('process killed'))
          },
        }),
        /process killed/,
      )
      const cut = await new ItemImports(db).get(record.id)
      assert.equal(cut.status, 'RUNNING')
      assert.equal(cut.pagesDone, 9)
      assert.deepEqual(progress, [1, 2, 3, 4, 5, 6, 7, 8, 9])

      const requestsBefore = new Map(source.requests)
      const done = await runItemImport(db, record.id, { concurrency: 4, fetchPolicy: fastRetries })
      assert.equal(done.status, 'COMPLETED')
      assert.equal(done.pagesDone, 25)
      assert.equal(done.rowsSeen, expected.rowsSeen)
      assert.equal(done.invalid, expected.invalid)
      assert.equal(done.duplicate, expected.duplicate)
      assert.equal(done.inserted, expected.distinct)
      assert.equal(done.updated, 0)
      for (let page = 1; page <= 9; page++)
        assert.equal(source.requests.get(page), requestsBefore.get(page), `page ${page} not fetched again`)
      const count = await db.item.count()
      assert.equal(count, expected.distinct)

      const again = await runItemImport(db, record.id, { concurrency: 4, fetchPolicy: fastRetries })
      assert.deepEqual(again, done, 'a finished import is left as it is')
    } finally {
      await source.close()
    }
  })

  test('two runs of one import at once still count each page once', async () => {
    const rows = generateItemRows(500, { seed: 22 })
    const expected = expectedImport(rows)
    const source = await startSampleItemSource({ rows, delayMs: 5 })
    try {
      const record = await newImport(source.url, 25)
      const runs = await Promise.all([
        runItemImport(db, record.id, { concurrency: 2, fetchPolicy: fastRetries }),
        runItemImport(db, record.id, { concurrency: 2, fetchPolicy: fastRetries }),
      ])
      assert.ok(runs.some((view) => view.status === 'COMPLETED'))
      const final = await new ItemImports(db).get(record.id)
      assert.equal(final.status, 'COMPLETED')
      assert.equal(final.rowsSeen, expected.rowsSeen)
      assert.equal(final.invalid + final.duplicate + final.inserted + final.updated, expected.rowsSeen)
      assert.equal(final.invalid, expected.invalid)
      assert.equal(final.duplicate, expected.duplicate)
    } finally {
      await source.close()
    }
  })

  test('a source that serves fewer rows per page than asked is paged by what it serves', async () => {
    const rows = generateItemRows(130, { seed: 23 })
    const source = await startSampleItemSource({ rows, pageSize: 20 })
    try {
      const record = await newImport(source.url, 100)
      const done = await runItemImport(db, record.id, { concurrency: 3, fetchPolicy: fastRetries })
      assert.equal(done.status, 'COMPLETED')
      assert.equal(done.totalPages, 7)
      assert.equal(done.rowsSeen, 130)
    } finally {
      await source.close()
    }
  })

  test('an empty source completes at once', async () => {
    const source = await startSampleItemSource({ rows: [] })
    try {
      const done = await runItemImport(db, (await newImport(source.url, 10)).id, { concurrency: 2 })
      assert.equal(done.status, 'COMPLETED')
      assert.equal(done.totalPages, 0)
      assert.equal(done.percent, 100)
    } finally {
      await source.close()
    }
  })

  test('a source that refuses the request fails the import with its message', async () => {
    const source = await startSampleItemSource({ rows: [] })
    try {
      const record = await newImport(`${source.url}?x=1`, 10)
      await db.itemImport.update({ where: { id: record.id }, data: { sourceUrl: 'http://127.0.0.1:9/' } })
      const done = await runItemImport(db, record.id, { concurrency: 2, fetchPolicy: fastRetries })
      assert.equal(done.status, 'FAILED')
      assert.match(done.failureReason!, /^page 1 failed after 3 attempts: request failed/)
    } finally {
      await source.close()
    }
  })
})
