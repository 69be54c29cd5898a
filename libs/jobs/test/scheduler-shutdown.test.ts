import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { createTestDatabase, type TestDatabase } from '@deals/testing'

const script = fileURLToPath(new URL('./support/start-and-stop.ts', import.meta.url))

/** Runs the start-and-stop process; resolves with how it ended, killing it if it outlives `timeoutMs`. */
function runProcess(databaseUrl: string, mode: string, timeoutMs = 30_000) {
  return new Promise<{ code: number | null; killed: boolean; stdout: string; stderr: string }>((resolve) => {
    const child = execFile(
      process.execPath,
      ['--import', 'tsx', script, mode],
      { env: { ...process.env, DATABASE_URL: databaseUrl }, timeout: timeoutMs, killSignal: 'SIGKILL' },
      (error, stdout, stderr) =>
        resolve({ code: child.exitCode, killed: Boolean(error && child.signalCode), stdout, stderr }),
    )
  })
}

describe('job scheduler shutdown', () => {
  let database: TestDatabase
  before(async () => {
    database = await createTestDatabase({ prefix: 'jobs_shutdown' })
  })
  after(() => database.drop())

  test('a process whose scheduler stops right after it started exits on its own', async () => {
    const run = await runProcess(database.url, 'at-once')
    assert.equal(run.killed, false, `the process did not exit after stop\n${run.stderr}`)
    assert.equal(run.code, 0, run.stderr)
    assert.match(run.stdout, /stopped/)
    assert.equal(run.stderr, '', 'stopping logged errors')
  })

  test('a scheduler stopped while it starts starts nothing more, and the process exits', async () => {
    const run = await runProcess(database.url, 'during')
    assert.equal(run.killed, false, `the process did not exit after stop\n${run.stderr}`)
    assert.equal(run.code, 0, run.stderr)
    assert.match(run.stdout, /stopped/)
    assert.equal(run.stderr, '', 'stopping logged errors')
  })
})
