import { readdirSync, readFileSync, existsSync } from 'node:fs'
import { join } from 'node:path'
import pg from 'pg'
import { uniqueName } from './names.ts'

export interface TestDatabase {
  name: string
  url: string
  drop(): Promise<void>
}

const adminUrl = process.env.TEST_POSTGRES_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres'

/**
 * Creates an empty database and applies a service's committed migration scripts in order,
 * exactly the SQL `prisma migrate deploy` would run, without spawning the Prisma CLI per test.
 */
export async function createTestDatabase(options: {
  prefix: string
  migrationsDir?: string
}): Promise<TestDatabase> {
  const name = uniqueName(`t_${options.prefix}`)
  const admin = new pg.Client({ connectionString: adminUrl })
  await admin.connect()
  try {
    await admin.query(`CREATE DATABASE "${name}"`)
  } finally {
    await admin.end()
  }
  const url = new URL(adminUrl)
  url.pathname = `/${name}`
  if (options.migrationsDir) await applyMigrations(url.toString(), options.migrationsDir)
  return {
    name,
    url: url.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: adminUrl })
      await c.connect()
      try {
        await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)
      } finally {
        await c.end()
      }
    },
  }
}

async function applyMigrations(url: string, dir: string): Promise<void> {
  if (!existsSync(dir)) throw new Error(`no migrations at ${dir}`)
  const steps = readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort()
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    for (const step of steps) await client.query(readFileSync(join(dir, step, 'migration.sql'), 'utf8'))
  } finally {
    await client.end()
  }
}
