// Whether a Prisma project's committed migrations build exactly the schema it declares:
// `prisma migrate diff` replays the migrations into a throwaway shadow database and compares.
import { existsSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import pg from 'pg'
import { runPrisma } from './prisma-cli.ts'

export type DriftResult =
  | { status: 'in-sync' }
  | { status: 'drifted'; missingMigration: string }
  | { status: 'failed'; output: string }

/** Every `apps/*` directory with a `prisma.config.ts` and a `prisma/schema.prisma`, sorted. */
export function findPrismaProjects(root: string): string[] {
  const apps = join(root, 'apps')
  if (!existsSync(apps)) return []
  return readdirSync(apps, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => join(apps, entry.name))
    .filter(
      (dir) => existsSync(join(dir, 'prisma.config.ts')) && existsSync(join(dir, 'prisma', 'schema.prisma')),
    )
    .sort()
}

/**
 * @param serverUrl any existing database on the server: the diff only reads it, and creates and
 *   drops its shadow database next to it.
 */
export async function checkDrift(projectDir: string, serverUrl: string): Promise<DriftResult> {
  const run = await runPrisma(
    [
      'migrate',
      'diff',
      '--from-migrations',
      'prisma/migrations',
      '--to-schema',
      'prisma/schema.prisma',
      '--script',
      '--exit-code',
    ],
    { cwd: projectDir, env: { DATABASE_URL: serverUrl } },
  )
  // --exit-code: 0 when nothing differs, 2 when the script is not empty, 1 on error.
  if (run.exitCode === 0) return { status: 'in-sync' }
  if (run.exitCode === 2) return { status: 'drifted', missingMigration: run.stdout.trim() }
  return { status: 'failed', output: `${run.stdout}${run.stderr}`.trim() }
}

const SHADOW_DATABASES = `SELECT datname FROM pg_database WHERE datname LIKE 'prisma\\_migrate\\_shadow\\_db\\_%'`

/**
 * Each comparison replays the migrations into a shadow database that Prisma drops at the end; a
 * schema engine that dies mid-request (`check-drift.ts` retries it) leaves its shadow behind. The ones this check left
 * are dropped; one still in use (another check running now) is left to that check.
 */
export async function withoutLeftOverShadows<T>(serverUrl: string, check: () => Promise<T>): Promise<T> {
  const admin = new pg.Client({ connectionString: serverUrl })
  await admin.connect()
  try {
    const names = async () =>
      new Set((await admin.query<{ datname: string }>(SHADOW_DATABASES)).rows.map((r) => r.datname))
    const before = await names()
    const result = await check()
    for (const name of await names()) {
      if (before.has(name)) continue
      await admin.query(`DROP DATABASE IF EXISTS "${name.replaceAll('"', '""')}"`).catch(() => {})
    }
    return result
  } finally {
    await admin.end()
  }
}
