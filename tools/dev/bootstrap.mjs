#!/usr/bin/env node
// Entry point behind `npm start`, `npm test` and `npm run bench`. Plain JavaScript with no
// dependencies, because it runs before anything is installed: it installs what is missing,
// generates the Prisma clients, then hands over to the TypeScript tool for the command.
import { spawn, spawnSync } from 'node:child_process'
import { existsSync, readdirSync, statSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..')
const command = process.argv[2] ?? 'start'
const entries = {
  start: 'tools/dev/src/start.ts',
  test: 'tools/test-runner/src/main.ts',
  bench: 'tools/dev/src/bench.ts',
  generate: null,
}
if (!(command in entries)) {
  console.error(`unknown command "${command}"; expected one of ${Object.keys(entries).join(', ')}`)
  process.exit(2)
}

function run(cmd, args, env = {}) {
  const result = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } })
  if (result.status !== 0) process.exit(result.status ?? 1)
}

const mtime = (path) => (existsSync(path) ? statSync(path).mtimeMs : 0)

function ensureInstalled() {
  const marker = join(root, 'node_modules', '.package-lock.json')
  if (existsSync(marker) && mtime(marker) >= mtime(join(root, 'package-lock.json'))) return
  console.log('> installing dependencies (npm ci)')
  run('npm', ['ci', '--no-audit', '--no-fund'])
}

// Generates each Prisma client (a service's, or a library's test fixture) when it is missing or
// older than its schema. `prisma generate` never runs the schema engine: offline is fine.
function prismaProjects() {
  const found = []
  for (const top of ['apps', 'libs', 'tools']) {
    for (const name of readdirSync(join(root, top))) {
      for (const dir of [join(root, top, name), join(root, top, name, 'test', 'prisma-fixture')]) {
        if (existsSync(join(dir, 'prisma.config.ts')) && existsSync(join(dir, 'prisma', 'schema.prisma')))
          found.push(dir)
      }
    }
  }
  return found
}

function generatePrismaClients() {
  for (const dir of prismaProjects()) {
    const schema = join(dir, 'prisma', 'schema.prisma')
    const generated = join(dir, 'src', 'generated', 'prisma', 'client.ts')
    if (mtime(generated) >= mtime(schema)) continue
    console.log(`> generating the Prisma client in ${dir.slice(root.length + 1)}`)
    // The pinned CLI itself: npx would resolve from the nearest workspace folder instead.
    const r = spawnSync(join(root, 'node_modules', '.bin', 'prisma'), ['generate'], {
      cwd: dir,
      stdio: 'inherit',
      env: { ...process.env, PRISMA_HIDE_UPDATE_MESSAGE: '1', CHECKPOINT_DISABLE: '1' },
    })
    if (r.status !== 0) process.exit(r.status ?? 1)
  }
}

ensureInstalled()
generatePrismaClients()
const entry = entries[command]
if (entry) {
  const child = spawn(process.execPath, ['--import', 'tsx', join(root, entry), ...process.argv.slice(3)], {
    cwd: root,
    stdio: 'inherit',
  })
  // Ctrl-C already reaches the whole process group: wait for the child's clean shutdown.
  // SIGTERM is sent to this process alone (process managers), so pass it on.
  process.on('SIGINT', () => {})
  process.on('SIGTERM', () => child.kill('SIGTERM'))
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)))
}
