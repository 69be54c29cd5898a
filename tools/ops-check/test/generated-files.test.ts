// The per-service manifests, the copies kustomize needs and the dashboards are generated: the
// committed files must be exactly what the generator writes today.
import { test } from 'node:test'
import assert from 'node:assert/strict'
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
