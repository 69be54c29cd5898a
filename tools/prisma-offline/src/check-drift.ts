// The build check that every service's committed migrations match its Prisma schema.
// Usage (from the repo root): node --import tsx tools/prisma-offline/src/check-drift.ts [projectDir...]
// Without arguments it checks every apps/* Prisma project. Exits 1 when any project drifts.
import { availableParallelism } from 'node:os'
import { relative, resolve } from 'node:path'
import { checkDrift, findPrismaProjects, withoutLeftOverShadows, type DriftResult } from './drift.ts'

const root = process.cwd()
const serverUrl = process.env.TEST_POSTGRES_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres'
const requested = process.argv.slice(2)
const projects = requested.length > 0 ? requested.map((dir) => resolve(root, dir)) : findPrismaProjects(root)

function describe(project: string, result: DriftResult): string {
  switch (result.status) {
    case 'in-sync':
      return `✔ ${project}: migrations match prisma/schema.prisma`
    case 'drifted':
      return `✖ ${project}: migrations do not match prisma/schema.prisma; a new migration needs:\n${result.missingMigration}`
    case 'failed':
      return `✖ ${project}: could not compare migrations with prisma/schema.prisma:\n${result.output}`
  }
}

/**
 * A failure to compare is not a drift: the comparison is run again, up to twice, before it is
 * reported; a drift is never retried. (The failures once seen here were the describer panicking
 * on payment's CHECK constraints, which also made some runs pass without comparing anything; the
 * engine shim now decodes those columns and answers a panic as an error.)
 */
async function checkWithRetry(dir: string): Promise<DriftResult> {
  let result = await checkDrift(dir, serverUrl)
  for (let attempt = 1; attempt <= 2 && result.status === 'failed'; attempt++) {
    console.log(`… ${relative(root, dir)}: the schema engine failed (${attempt}); comparing again`)
    result = await checkDrift(dir, serverUrl)
  }
  return result
}

// Each check is a Prisma CLI plus a Wasm engine process: run about one per core.
async function checkAll(dirs: string[]): Promise<DriftResult[]> {
  const results: DriftResult[] = []
  let next = 0
  const worker = async () => {
    for (let i = next++; i < dirs.length; i = next++) results[i] = await checkWithRetry(dirs[i]!)
  }
  await Promise.all(Array.from({ length: Math.min(dirs.length, availableParallelism()) }, worker))
  return results
}

if (projects.length === 0) {
  console.log('no Prisma projects yet')
} else {
  const results = await withoutLeftOverShadows(serverUrl, () => checkAll(projects))
  results.forEach((result, i) => console.log(describe(relative(root, projects[i]!) || '.', result)))
  if (results.some((result) => result.status !== 'in-sync')) process.exitCode = 1
}
