// Runs the whole suite: static checks first (types, lint, module boundaries, migration drift),
// then every `*.test.ts` under apps/, libs/ and tools/ with node's test runner.
// The last line is `N passed, N failed` so CI can read the result.
import { spawnSync } from 'node:child_process'
import { readdirSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { run } from 'node:test'
import { spec } from 'node:test/reporters'
import { availableParallelism } from 'node:os'

const root = process.cwd()
const args = process.argv.slice(2)
const only = args.filter((a) => !a.startsWith('--'))
const skipChecks = args.includes('--no-checks') || only.length > 0

function findTests(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name === 'generated' || name.startsWith('.')) continue
    const path = join(dir, name)
    if (statSync(path).isDirectory()) findTests(path, out)
    else if (name.endsWith('.test.ts')) out.push(path)
  }
  return out
}

function check(name: string, cmd: string, cmdArgs: string[]): boolean {
  const started = Date.now()
  const r = spawnSync(cmd, cmdArgs, {
    cwd: root,
    stdio: ['ignore', name === 'project graph' ? 'ignore' : 'inherit', 'inherit'],
    env: { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false' },
  })
  const ok = r.status === 0
  console.log(`${ok ? '✔' : '✖'} check: ${name} (${Date.now() - started} ms)`)
  return ok
}

let checksFailed = 0
if (!skipChecks) {
  const checks: [string, string, string[]][] = [
    ['typecheck', 'npx', ['tsc', '-p', 'tsconfig.json']],
    // The boundary rule reads Nx's project graph and silently skips itself without one.
    ['project graph', 'npx', ['nx', 'show', 'projects']],
    ['lint and module boundaries', 'npx', ['eslint', '--max-warnings=0', '.']],
    ['formatting', 'npx', ['prettier', '--check', '--log-level=warn', '.']],
    [
      'migrations match schemas',
      process.execPath,
      ['--import', 'tsx', 'tools/prisma-offline/src/check-drift.ts'],
    ],
  ]
  for (const [name, cmd, cmdArgs] of checks) if (!check(name, cmd, cmdArgs)) checksFailed++
}

const files = (
  only.length
    ? only.map((f) => join(root, f))
    : ['apps', 'libs', 'tools'].flatMap((d) => findTests(join(root, d)))
).sort()
// An exclusive file disturbs what every other test relies on (it restarts the RabbitMQ broker):
// it runs alone, after all the others.
const isExclusive = (file: string) => file.endsWith('.exclusive.test.ts')
const shared = files.filter((f) => !isExclusive(f))
const exclusive = files.filter(isExclusive)
console.log(`running ${files.length} test files (${exclusive.length} of them alone, at the end)`)

// Each test file's process loads linger-watch, which names what the file left open when node:test
// ended it; set only now, so the static checks above run without it.
const LINGER_MARKER = 'test-runner: still open after the tests:'
const lingerWatch = fileURLToPath(new URL('./linger-watch.mjs', import.meta.url))
process.env.TEST_RUNNER_LINGER_MARKER = LINGER_MARKER
process.env.NODE_OPTIONS = [process.env.NODE_OPTIONS, `--import=${lingerWatch}`].filter(Boolean).join(' ')

let passed = 0
let failed = 0
const failures: string[] = []
const lingering: string[] = []

function runFiles(batch: string[], concurrency: number): Promise<void> {
  if (!batch.length) return Promise.resolve()
  const stream = run({
    files: batch,
    concurrency,
    timeout: 10 * 60_000,
    // A file whose tests have all finished ends even if something still holds the event loop, so
    // one lingering handle cannot hold CI for the ten-minute timeout; such files are listed at the end.
    forceExit: true,
  })
  // Counts test cases, not the suites around them; a file that crashes counts as one failure.
  stream.on('test:pass', (e) => {
    if (e.details.type !== 'suite' && !e.skip && !e.todo) passed++
  })
  stream.on('test:fail', (e) => {
    const failureType = (e.details.error as { failureType?: string } | undefined)?.failureType
    if (e.details.type === 'suite' && failureType !== 'testCodeFailure') return
    failed++
    failures.push(`${relative(root, e.file ?? '')}: ${e.name}`)
  })
  stream.on('test:stderr', (e) => {
    const at = e.message.indexOf(LINGER_MARKER)
    if (at >= 0)
      lingering.push(`${relative(root, e.file ?? '')}: ${e.message.slice(at + LINGER_MARKER.length).trim()}`)
  })
  const report = stream.compose(new spec())
  report.pipe(process.stdout, { end: false })
  return new Promise((resolve) => report.on('end', resolve))
}

// Files at once: two to four by the machine's cores, or TEST_CONCURRENCY (a positive integer).
function concurrency(): number {
  const given = process.env.TEST_CONCURRENCY
  if (given === undefined || given === '') return Math.max(2, Math.min(4, availableParallelism()))
  const n = Number(given)
  if (!Number.isInteger(n) || n < 1)
    throw new Error(`TEST_CONCURRENCY must be a positive integer, not "${given}"`)
  return n
}

await runFiles(shared, concurrency())
await runFiles(exclusive, 1)
if (failures.length) console.log(`\nfailed:\n${failures.map((f) => `  ${f}`).join('\n')}`)
if (lingering.length)
  console.log(
    `\nstill running after their tests, ended by the runner (a leak):\n${lingering.map((f) => `  ${f}`).join('\n')}`,
  )
if (checksFailed) console.log(`${checksFailed} static check(s) failed`)
console.log(`${passed} passed, ${failed + checksFailed} failed`)
process.exitCode = failed + checksFailed > 0 ? 1 : 0
