import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { uniqueName } from '@deals/testing'
import { migrateDeploy, MigrationError, runPrisma } from '../src/index.ts'
import { databaseUrl, dropDatabases, query } from './postgres.ts'

const fixture = fileURLToPath(new URL('./fixture', import.meta.url))
const created: string[] = []
let home: string

function newDatabaseName(): string {
  const name = uniqueName('po_migrate')
  created.push(name)
  return name
}

async function tablesBySchema(name: string): Promise<string[]> {
  const rows = await query<{ table: string }>(
    databaseUrl(name),
    `SELECT table_schema || '.' || table_name AS table FROM information_schema.tables
     WHERE table_schema NOT IN ('pg_catalog', 'information_schema') ORDER BY 1`,
  )
  return rows.map((row) => row.table)
}

before(() => {
  // The Prisma CLI writes small state files under HOME: keep them out of the real one.
  home = mkdtempSync(join(tmpdir(), 'prisma-offline-home-'))
  process.env.HOME = home
})

after(async () => {
  await dropDatabases(created)
  rmSync(home, { recursive: true, force: true })
})

describe('migrateDeploy through the offline schema engine', () => {
  const name = newDatabaseName()

  test('creates a database that did not exist and applies every migration to it', async () => {
    await migrateDeploy({ projectDir: fixture, databaseUrl: databaseUrl(name) })

    assert.deepEqual(await tablesBySchema(name), [
      'public.Product',
      'public.Store',
      'public._prisma_migrations',
    ])
    const applied = await query<{ migration_name: string }>(
      databaseUrl(name),
      `SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL ORDER BY 1`,
    )
    const committed = readdirSync(join(fixture, 'prisma', 'migrations'), { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => entry.name)
      .sort()
    assert.deepEqual(
      applied.map((row) => row.migration_name),
      committed,
    )
  })

  test('a migration with a $$-quoted function body reaches Postgres whole and works', async () => {
    const url = databaseUrl(name)
    const [store] = await query<{ id: string }>(
      url,
      `INSERT INTO "Store" (id, name) VALUES (gen_random_uuid(), 'corner') RETURNING id`,
    )
    await query(
      url,
      `INSERT INTO "Product" (id, "storeId", name, price) VALUES (gen_random_uuid(), $1, 'pear', 1000)`,
      [store!.id],
    )

    // The trigger overrides an explicit stale timestamp on every update.
    await query(url, `UPDATE "Product" SET price = 900, "updatedAt" = '2000-01-01'`)
    const [product] = await query<{ updatedAt: Date }>(url, `SELECT "updatedAt" FROM "Product"`)
    assert.ok(product!.updatedAt.getFullYear() > 2000)
  })

  test('migrate status then reports the database up to date', async () => {
    const status = await runPrisma(['migrate', 'status'], {
      cwd: fixture,
      env: { DATABASE_URL: databaseUrl(name) },
    })

    assert.equal(status.exitCode, 0, status.stderr)
    assert.match(status.stdout, /Database schema is up to date/)
  })
})

test('?schema= in the URL puts the tables in that schema, created on the way', async () => {
  const name = newDatabaseName()

  await migrateDeploy({ projectDir: fixture, databaseUrl: databaseUrl(name, '?schema=shop') })

  assert.deepEqual(await tablesBySchema(name), ['shop.Product', 'shop.Store', 'shop._prisma_migrations'])
})

test('an unreachable database server fails with a MigrationError naming the project and the cause', async () => {
  const unreachable = 'postgresql://postgres@127.0.0.1:1/nowhere'

  await assert.rejects(migrateDeploy({ projectDir: fixture, databaseUrl: unreachable }), (error: unknown) => {
    assert.ok(error instanceof MigrationError)
    assert.match(error.message, /test\/fixture/)
    assert.match(error.message, /P1001: Can't reach database server/)
    return true
  })
})
