// Prometheus accepts the configuration and the rules (promtool), and the alerts fire on the
// series they are meant for and stay quiet otherwise (promtool's rule unit tests).
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import { repoRoot } from '../src/platform.ts'
import { promtool, run } from '../src/tools.ts'

const dir = join(repoRoot, 'infra', 'prometheus')

function promtoolPasses(args: string[]) {
  const result = run(promtool(), args, dir)
  assert.equal(result.status, 0, `promtool ${args.join(' ')}\n${result.stdout}${result.stderr}`)
  return result.stdout + result.stderr
}

test('promtool check config accepts prometheus.yml and the rule files it loads', () => {
  const output = promtoolPasses(['check', 'config', 'prometheus.yml'])
  assert.match(output, /SUCCESS: \d+ rule files found/)
})

test('promtool check rules accepts every rule file', () => {
  const files = readdirSync(join(dir, 'rules')).map((f) => join('rules', f))
  assert.ok(files.length > 0)
  promtoolPasses(['check', 'rules', ...files])
})

test('alert unit tests pass (promtool test rules)', () => {
  const files = readdirSync(join(dir, 'tests')).map((f) => join('tests', f))
  const output = promtoolPasses(['test', 'rules', ...files])
  assert.doesNotMatch(output, /FAILED/)
})
