import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import pg from 'pg'
import { createTestDatabase, type TestDatabase } from '@deals/testing'
import { startSampleItemSource, type SampleItemSource } from '../../fixtures/sample-item-source.ts'
import { MIGRATIONS_DIR } from '../support/test-catalog-app.ts'
import { expectedImport, sampleRows } from '../support/sample-items.ts'

const CLI = fileURLToPath(new URL('../../cli/import-items.ts', import.meta.url))

function runCli(args: string[], databaseUrl: string) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CLI, ...args], {
      env: { ...process.env, DATABASE_URL: databaseUrl, NODE_ENV: 'test' },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk))
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
    child.on('error', reject)
    child.on('close', (code) => resolve({ code, stdout, stderr }))
  })
}

const line = (output: string, label: string) => output.match(new RegExp(`^\\s+${label}\\s+(\\S+)`, 'm'))?.[1]

describe('import-items CLI', () => {
  let database: TestDatabase
  let source: SampleItemSource

  before(async () => {
    database = await createTestDatabase({ prefix: 'catalog_cli', migrationsDir: MIGRATIONS_DIR })
    source = await startSampleItemSource({ rows: sampleRows })
  })
  after(async () => {
    await source.close()
    await database.drop()
  })

  test('imports the sample into the database and ends with a summary of what it did', async () => {
    const expected = expectedImport(sampleRows)
    const run = await runCli(
      ['--source', source.url, '--page-size', '40', '--concurrency', '2'],
      database.url,
    )
    assert.equal(run.code, 0, run.stderr)
    assert.match(run.stdout, /^import [0-9a-f-]{36} from http:\/\/127\.0\.0\.1/m)
    assert.match(
      run.stdout,
      /^progress 100% page 8\/8 rows 320$/m,
      'plain progress lines when not a terminal',
    )
    assert.match(run.stdout, /^import [0-9a-f-]{36} COMPLETED in [\d.]+ s/m)
    assert.equal(line(run.stdout, 'pages'), '8/8')
    assert.equal(line(run.stdout, 'inserted'), String(expected.distinct))
    assert.equal(line(run.stdout, 'updated'), '0')
    assert.equal(line(run.stdout, 'duplicate'), String(expected.duplicate))
    assert.equal(line(run.stdout, 'invalid'), String(expected.invalid))

    const client = new pg.Client({ connectionString: database.url })
    await client.connect()
    try {
      const { rows } = await client.query<{ count: number }>('SELECT count(*)::int AS count FROM items')
      assert.equal(rows[0]!.count, expected.distinct)
    } finally {
      await client.end()
    }
  })

  test('refuses missing or bad arguments with usage and exit code 2', async () => {
    for (const args of [[], ['--source', source.url, '--page-size', '5000']]) {
      const run = await runCli(args, database.url)
      assert.equal(run.code, 2, `${args.join(' ')}: ${run.stderr}`)
      assert.match(run.stderr, /usage: import-items/)
    }
  })
})
