import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { fileURLToPath } from 'node:url'
import { uniqueName } from '@deals/testing'
import { shadowDatabases } from './postgres.ts'

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url))
const checkDriftScript = fileURLToPath(new URL('../src/check-drift.ts', import.meta.url))
const fixture = fileURLToPath(new URL('./fixture', import.meta.url))
// A sibling of the fixture, so its prisma.config.ts still resolves `prisma/config` from the repo.
const drifted = fileURLToPath(new URL(`./.${uniqueName('drifted')}`, import.meta.url))
let home: string
let shadowsBefore: Set<string>

function runCheckDrift(cwd: string, projects: string[]): Promise<{ exitCode: number; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', import.meta.resolve('tsx'), checkDriftScript, ...projects],
      {
        cwd,
        env: { ...process.env, HOME: home },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    )
    let output = ''
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk))
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk))
    child.on('error', reject)
    child.on('close', (code) => resolve({ exitCode: code ?? 1, output }))
  })
}

// Shadow databases live for one CLI call; other test runs on this server may hold one briefly.
async function shadowDatabasesLeftBehind(): Promise<string[]> {
  for (let attempt = 0; ; attempt++) {
    const left = (await shadowDatabases()).filter((name) => !shadowsBefore.has(name))
    if (left.length === 0 || attempt === 20) return left
    await sleep(250)
  }
}

before(async () => {
  home = mkdtempSync(join(tmpdir(), 'prisma-offline-home-'))
  shadowsBefore = new Set(await shadowDatabases())
  cpSync(fixture, drifted, { recursive: true, filter: (source) => !source.includes(`${fixture}/src`) })
  const schemaPath = join(drifted, 'prisma', 'schema.prisma')
  const schema = readFileSync(schemaPath, 'utf8')
  writeFileSync(schemaPath, schema.replace('  price     Int\n', '  price     Int\n  stock     Int\n'))
})

after(() => {
  rmSync(drifted, { recursive: true, force: true })
  rmSync(home, { recursive: true, force: true })
})

test('with no Prisma project under apps/ the check says so and passes', async () => {
  const empty = mkdtempSync(join(tmpdir(), 'prisma-offline-empty-'))
  try {
    const run = await runCheckDrift(empty, [])

    assert.equal(run.exitCode, 0, run.output)
    assert.equal(run.output.trim(), 'no Prisma projects yet')
  } finally {
    rmSync(empty, { recursive: true, force: true })
  }
})

test('the fixture, whose migrations build its schema, passes with one line', async () => {
  const run = await runCheckDrift(repoRoot, [fixture])

  assert.equal(run.exitCode, 0, run.output)
  assert.equal(
    run.output.trim(),
    '✔ tools/prisma-offline/test/fixture: migrations match prisma/schema.prisma',
  )
})

test('a field added to the schema without a migration fails the check, naming the project and the missing SQL', async () => {
  const run = await runCheckDrift(repoRoot, [fixture, drifted])

  assert.equal(run.exitCode, 1, run.output)
  assert.match(run.output, /✔ tools\/prisma-offline\/test\/fixture: migrations match/)
  assert.ok(run.output.includes(`✖ ${relative(repoRoot, drifted)}: migrations do not match`), run.output)
  assert.match(run.output, /ALTER TABLE "Product" ADD COLUMN\s+"stock" INTEGER NOT NULL/)
})

test('every shadow database the checks created has been dropped', async () => {
  assert.deepEqual(await shadowDatabasesLeftBehind(), [])
})
