// Rewrites the generated operations files (see generated-files.ts) after a change to their sources.
import { mkdirSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { generatedFiles } from './generated-files.ts'
import { repoRoot } from './platform.ts'

for (const [path, content] of await generatedFiles()) {
  mkdirSync(dirname(join(repoRoot, path)), { recursive: true })
  writeFileSync(join(repoRoot, path), content)
  console.log(`wrote ${path}`)
}
