// Runs the pinned Prisma CLI in a project directory with the offline schema engine, capturing
// its output. The CLI is started with node directly: `npx` would first move to the nearest
// package.json, which is not always the project.
import { spawn } from 'node:child_process'
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'

const require = createRequire(import.meta.url)
const prismaCli = require.resolve('prisma/build/index.js')

/** The stand-in for Prisma's native schema engine, for `PRISMA_SCHEMA_ENGINE_BINARY`. */
export const schemaEngineShimPath = fileURLToPath(new URL('../bin/schema-engine.mjs', import.meta.url))

export interface PrismaRun {
  exitCode: number
  stdout: string
  stderr: string
}

export function runPrisma(
  args: string[],
  options: { cwd: string; env?: Record<string, string> },
): Promise<PrismaRun> {
  const env = {
    ...process.env,
    PRISMA_SCHEMA_ENGINE_BINARY: schemaEngineShimPath,
    CHECKPOINT_DISABLE: '1',
    PRISMA_HIDE_UPDATE_MESSAGE: '1',
    ...options.env,
  }
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [prismaCli, ...args], {
      cwd: options.cwd,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk))
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
    child.on('error', reject)
    child.on('close', (code, signal) => resolve({ exitCode: code ?? (signal ? 1 : 0), stdout, stderr }))
  })
}
