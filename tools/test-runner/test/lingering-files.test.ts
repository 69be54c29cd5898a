// The runner names the test files whose process node:test had to end because something the tests
// opened was still open, and only those: a handle that closes a moment after the tests is fine.
import { test, after } from 'node:test'
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { join, relative } from 'node:path'

const root = process.cwd()
// A folder the whole-suite run skips (its name starts with a dot), so these files run only here.
const dir = join(root, 'tools', 'test-runner', `.linger-fixtures-${process.pid}`)
after(() => rmSync(dir, { recursive: true, force: true }))

function fixture(name: string, body: string): string {
  mkdirSync(dir, { recursive: true })
  writeFileSync(join(dir, name), `import { test } from 'node:test'\n${body}\n`)
  return relative(root, join(dir, name))
}

// Without this test's own NODE_TEST_CONTEXT, which would make the runner take itself for a test file.
const { NODE_TEST_CONTEXT: _, ...outerEnv } = process.env
const runnerEnv = { ...outerEnv, TEST_RUNNER_LINGER_GRACE_MS: '1500' }

test('a file that leaves a timer running is reported with it; clean and slow-closing files are not', () => {
  const clean = fixture('clean.test.ts', `test('does nothing', () => {})`)
  const slow = fixture(
    'slow-close.test.ts',
    `test('closes soon after', () => void setTimeout(() => {}, 300))`,
  )
  const leaky = fixture('leaky.test.ts', `test('leaves an interval', () => void setInterval(() => {}, 1000))`)

  const run = spawnSync(
    process.execPath,
    ['--import', 'tsx', 'tools/test-runner/src/main.ts', clean, slow, leaky],
    {
      cwd: root,
      encoding: 'utf8',
      env: runnerEnv,
      timeout: 120_000,
    },
  )

  assert.equal(run.status, 0, run.stdout + run.stderr)
  assert.match(run.stdout, /3 passed, 0 failed\s*$/)
  const report = run.stdout.split('still running after their tests')[1] ?? ''
  assert.match(report, new RegExp(`${leaky.replaceAll('.', '\\.')}: .*Timeout`))
  assert.doesNotMatch(report, /clean\.test\.ts|slow-close\.test\.ts/)
})
