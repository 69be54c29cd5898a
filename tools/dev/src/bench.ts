// `npm run bench`: runs every benchmark scenario (`<workspace>/bench/*.bench.ts`), each in its
// own process, one after the other so they do not compete for the two cores. Each scenario
// prints what it measured and writes its JSON result under bench/results/.
import { spawnSync } from 'node:child_process'
import { existsSync, readdirSync } from 'node:fs'
import { join } from 'node:path'

const root = process.cwd()
const filter = process.argv[2]
const scenarios = ['apps', 'libs', 'tools']
  .flatMap((top) => readdirSync(join(root, top)).map((name) => join(root, top, name, 'bench')))
  .filter((dir) => existsSync(dir))
  .flatMap((dir) =>
    readdirSync(dir)
      .filter((f) => f.endsWith('.bench.ts'))
      .map((f) => join(dir, f)),
  )
  .filter((file) => !filter || file.includes(filter))
  .sort()

if (scenarios.length === 0) {
  console.log(filter ? `no benchmark matches "${filter}"` : 'no benchmark scenarios yet')
  process.exit(filter ? 1 : 0)
}
let failed = 0
for (const file of scenarios) {
  console.log(`\n=== ${file.slice(root.length + 1)}`)
  const r = spawnSync(process.execPath, ['--import', 'tsx', file], { cwd: root, stdio: 'inherit' })
  if (r.status !== 0) failed++
}
process.exit(failed ? 1 : 0)
