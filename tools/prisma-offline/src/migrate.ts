// Brings a service's database up to its committed migrations at start-up: the database is
// created when missing, then `prisma migrate deploy` applies what is pending.
import { relative } from 'node:path'
import { runPrisma } from './prisma-cli.ts'

export class MigrationError extends Error {
  override name = 'MigrationError'
}

export interface MigrateDeployOptions {
  /** The directory holding the service's `prisma.config.ts`. */
  projectDir: string
  databaseUrl: string
}

/** Applies pending migrations; resolves with the CLI's report, throws a MigrationError naming the project. */
export async function migrateDeploy({ projectDir, databaseUrl }: MigrateDeployOptions): Promise<string> {
  // `migrate deploy` creates a missing database itself (through the shim's `create-database`).
  const run = await runPrisma(['migrate', 'deploy'], { cwd: projectDir, env: { DATABASE_URL: databaseUrl } })
  const output = `${run.stdout}${run.stderr}`.trim()
  if (run.exitCode !== 0) {
    const project = relative(process.cwd(), projectDir) || projectDir
    throw new MigrationError(`prisma migrate deploy failed in ${project} (exit ${run.exitCode}):\n${output}`)
  }
  return output
}
