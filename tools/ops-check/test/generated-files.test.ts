// The per-service manifests, the copies kustomize needs and the dashboards are generated: the
// committed files must be exactly what the generator writes today.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { generatedFiles } from '../src/generated-files.ts'
import { repoRoot } from '../src/platform.ts'

test('committed generated files are up to date (node --import tsx tools/ops-check/src/generate.ts)', async () => {
  const stale: string[] = []
  for (const [path, content] of await generatedFiles()) {
    const file = join(repoRoot, path)
    if (!existsSync(file) || readFileSync(file, 'utf8') !== content) stale.push(path)
  }
  assert.deepEqual(stale, [])
})

// What a process still holds once its event loop is empty; its stdin is a pipe, as a test file's is.
function handlesLeftAfter(script: string): string[] {
  const report =
    "process.once('beforeExit', () => process.stdout.write(JSON.stringify(process.getActiveResourcesInfo())))"
  const child = spawnSync(
    process.execPath,
    ['--import', 'tsx', '--input-type=module', '--eval', `${script}\n${report}`],
    {
      stdio: ['pipe', 'pipe', 'inherit'],
      encoding: 'utf8',
    },
  )
  assert.equal(child.status, 0)
  return JSON.parse(child.stdout) as string[]
}

test('generating the files leaves no handle open in the process that does it', () => {
  const generator = JSON.stringify(new URL('../src/generated-files.ts', import.meta.url).href)
  assert.deepEqual(
    handlesLeftAfter(`const { generatedFiles } = await import(${generator}); await generatedFiles()`),
    handlesLeftAfter(''),
  )
})
