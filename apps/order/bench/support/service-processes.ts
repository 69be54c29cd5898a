// Runs a service of the platform as its own child process for a benchmark (the way `npm start`
// runs it), on a free loopback port, and waits until it is ready; its log goes to a file.
import { spawn } from 'node:child_process'
import { createWriteStream, mkdirSync, readFileSync, readdirSync } from 'node:fs'
import { createServer, type AddressInfo } from 'node:net'
import { dirname, join } from 'node:path'

export interface ServiceProcess {
  name: string
  url: string
  /** CPU time (user + system) the process and its children (cluster workers) have used so far. */
  cpuSeconds(): number
  stop(): Promise<void>
}

/** Linux's USER_HZ: /proc reports CPU time in ticks of 1/100 s. */
const TICKS_PER_SECOND = 100

/** utime + stime of a process and its live descendants, from /proc (0 once it is gone). */
export function processTreeCpuSeconds(rootPid: number): number {
  const stats = new Map<number, { ppid: number; ticks: number }>()
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    try {
      // The command name (field 2) is in parentheses and may hold spaces: split after it.
      const text = readFileSync(`/proc/${entry}/stat`, 'utf8')
      const fields = text.slice(text.lastIndexOf(')') + 2).split(' ')
      stats.set(Number(entry), { ppid: Number(fields[1]), ticks: Number(fields[11]) + Number(fields[12]) })
    } catch {
      // The process ended while the list was read.
    }
  }
  let ticks = 0
  const pending = [rootPid]
  while (pending.length) {
    const pid = pending.pop()!
    ticks += stats.get(pid)?.ticks ?? 0
    for (const [child, stat] of stats) if (stat.ppid === pid) pending.push(child)
  }
  return ticks / TICKS_PER_SECOND
}

export async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  await new Promise((resolve) => server.close(resolve))
  return port
}

export async function startServiceProcess(options: {
  name: string
  root: string
  /** Path of the entry point from the repository root. */
  entry: string
  env: Record<string, string>
  /** Node options before the entry point, e.g. `--cpu-prof` to profile the service. */
  nodeArgs?: string[]
  logFile: string
  readyTimeoutMs?: number
}): Promise<ServiceProcess> {
  const port = await freePort()
  const url = `http://127.0.0.1:${port}`
  mkdirSync(dirname(options.logFile), { recursive: true })
  const log = createWriteStream(options.logFile)
  const child = spawn(
    process.execPath,
    [...(options.nodeArgs ?? []), '--import', 'tsx', join(options.root, options.entry)],
    {
      cwd: options.root,
      env: { PATH: process.env.PATH ?? '', ...options.env, HOST: '127.0.0.1', PORT: String(port) },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  )
  child.stdout.pipe(log)
  child.stderr.pipe(log)
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
  let gone = false
  void exited.then(() => (gone = true))

  const deadline = Date.now() + (options.readyTimeoutMs ?? 90_000)
  for (;;) {
    if (gone) throw new Error(`${options.name} exited during start; see ${options.logFile}`)
    const ready = await fetch(`${url}/readyz`).then(
      (res) => res.ok,
      () => false,
    )
    if (ready) break
    if (Date.now() > deadline) {
      child.kill('SIGKILL')
      throw new Error(`${options.name} not ready in time; see ${options.logFile}`)
    }
    await new Promise((resolve) => setTimeout(resolve, 250))
  }
  return {
    name: options.name,
    url,
    cpuSeconds: () => processTreeCpuSeconds(child.pid!),
    async stop() {
      if (gone) return
      child.kill('SIGTERM')
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000)
      await exited
      clearTimeout(timer)
    },
  }
}
