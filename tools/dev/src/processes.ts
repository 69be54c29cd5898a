// Runs each service as a child process, shows its JSON log lines in a compact one-line form
// (the raw lines go to .data/logs/<name>.log), waits for health, and stops them all in order.
import { spawn, type ChildProcess } from 'node:child_process'
import { createWriteStream, mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { createInterface } from 'node:readline'

const COLORS = [36, 35, 33, 32, 34, 31, 96, 95, 93]
const LEVELS: Record<number, string> = {
  10: 'trace',
  20: 'debug',
  30: 'info',
  40: 'warn',
  50: 'error',
  60: 'fatal',
}

export interface RunningProcess {
  name: string
  child: ChildProcess
  exited: Promise<number | null>
}

export interface SpawnOptions {
  name: string
  root: string
  entry: string
  env: Record<string, string>
  logDir: string
  quiet?: boolean
  colorIndex?: number
}

export function formatLogLine(name: string, line: string): string {
  try {
    const entry = JSON.parse(line) as {
      level?: number
      msg?: string
      req?: { method?: string; url?: string }
      res?: { statusCode?: number }
      err?: { message?: string }
    }
    const level = LEVELS[entry.level ?? 30] ?? 'info'
    const request = entry.req ? ` ${entry.req.method} ${entry.req.url}` : ''
    const status = entry.res?.statusCode ? ` -> ${entry.res.statusCode}` : ''
    const error = entry.err?.message ? ` (${entry.err.message})` : ''
    return `${level.padEnd(5)} ${entry.msg ?? ''}${request}${status}${error}`
  } catch {
    return line
  }
}

export function spawnService({
  name,
  root,
  entry,
  env,
  logDir,
  quiet = false,
  colorIndex = 0,
}: SpawnOptions): RunningProcess {
  mkdirSync(logDir, { recursive: true })
  const file = createWriteStream(join(logDir, `${name}.log`), { flags: 'a' })
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', '--import', '@deals/service-kit/telemetry/register', entry],
    {
      cwd: root,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
      // Own process group: the orchestrator decides when and how each service stops.
      detached: true,
    },
  )
  const tag = `\x1b[${COLORS[colorIndex % COLORS.length]}m${name.padEnd(12)}\x1b[0m`
  for (const stream of [child.stdout, child.stderr]) {
    createInterface({ input: stream! }).on('line', (line) => {
      file.write(`${line}\n`)
      if (!quiet) process.stdout.write(`${tag} ${formatLogLine(name, line)}\n`)
    })
  }
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => {
      file.end()
      resolve(code)
    }),
  )
  return { name, child, exited }
}

export async function waitForHealthy(
  url: string,
  exited: Promise<unknown>,
  timeoutMs = 60_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs
  let gone = false
  void exited.then(() => (gone = true))
  while (Date.now() < deadline) {
    if (gone) throw new Error(`exited before becoming healthy (${url})`)
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(1_000) })
      if (res.ok) return
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250))
  }
  throw new Error(`not healthy after ${timeoutMs} ms (${url})`)
}

/** SIGTERM in reverse start order (the gateway first), SIGKILL whatever is left after the grace period. */
export async function stopAll(processes: RunningProcess[], graceMs = 15_000): Promise<void> {
  for (const p of [...processes].reverse()) {
    if (p.child.exitCode !== null || p.child.signalCode !== null) continue
    p.child.kill('SIGTERM')
    const timer = setTimeout(() => p.child.kill('SIGKILL'), graceMs)
    await p.exited
    clearTimeout(timer)
  }
}
