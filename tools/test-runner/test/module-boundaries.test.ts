// The lint step must refuse an import across the boundaries the Nx tags draw: an app importing
// another app, a library importing an app. Each case writes a throwaway file and lints it.
import { test, after } from 'node:test'
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

const root = process.cwd()
const env = { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false' }
const written: string[] = []

function lint(relativePath: string, source: string) {
  const path = join(root, relativePath)
  writeFileSync(path, source)
  written.push(path)
  return spawnSync('npx', ['eslint', '--no-warn-ignored', relativePath], { cwd: root, env, encoding: 'utf8' })
}

after(() => {
  for (const path of written) rmSync(path, { force: true })
})

test('the project graph exists so the boundary rule cannot skip itself', () => {
  const r = spawnSync('npx', ['nx', 'show', 'projects', '--json'], { cwd: root, env, encoding: 'utf8' })
  assert.equal(r.status, 0, r.stderr)
  const projects = JSON.parse(r.stdout) as string[]
  for (const name of ['@deals/gateway', '@deals/auth', '@deals/service-kit', '@deals/messaging'])
    assert.ok(projects.includes(name), name)
})

test('an app importing another app fails the lint', () => {
  const r = lint(
    'apps/gateway/src/zz-boundary-probe.ts',
    "import { authApp } from '@deals/auth'\nexport const probe = authApp\n",
  )
  assert.notEqual(r.status, 0)
  assert.match(r.stdout, /@nx\/enforce-module-boundaries/)
})

test('a library importing an app fails the lint', () => {
  const r = lint(
    'libs/testing/src/zz-boundary-probe.ts',
    "import { authApp } from '@deals/auth'\nexport const probe = authApp\n",
  )
  assert.notEqual(r.status, 0)
  assert.match(r.stdout, /@nx\/enforce-module-boundaries/)
})

test('an app importing a library passes the boundary rule', () => {
  const r = lint(
    'apps/gateway/src/zz-boundary-probe-ok.ts',
    "import { defineError } from '@deals/service-kit'\nexport const probe = defineError\n",
  )
  assert.doesNotMatch(r.stdout, /enforce-module-boundaries/)
})
