// Where the machine's CPU went during a run: the whole machine's busy time (/proc/stat) and the
// part of it spent by PostgreSQL, Redis and RabbitMQ (every process of each, from /proc/<pid>/stat),
// so a run can say what each attempt cost outside the services measured, and how much went to
// something else entirely (another workload on the machine).
import { createHash } from 'node:crypto'
import { readFileSync, readdirSync } from 'node:fs'

/** Linux's USER_HZ: /proc reports CPU time in ticks of 1/100 s. */
const TICKS_PER_SECOND = 100

/** The infrastructure's processes, by command name. */
const INFRASTRUCTURE: Record<string, string> = {
  postgres: 'postgres',
  'redis-server': 'redis',
  'beam.smp': 'rabbitmq',
}

export interface CpuSnapshot {
  busySeconds: number
  /** CPU seconds so far of each infrastructure process, by pid and start time (a pid is reused). */
  byProcess: Map<string, { part: string; seconds: number }>
}

export function cpuSnapshot(): CpuSnapshot {
  const [, ...fields] = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!.trim().split(/\s+/)
  const ticks = fields.map(Number)
  // user nice system idle iowait irq softirq steal: busy is all but idle and iowait.
  const busy = ticks.slice(0, 8).reduce((sum, t, i) => (i === 3 || i === 4 ? sum : sum + t), 0)
  const byProcess: CpuSnapshot['byProcess'] = new Map()
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    try {
      const text = readFileSync(`/proc/${entry}/stat`, 'utf8')
      const part = INFRASTRUCTURE[text.slice(text.indexOf('(') + 1, text.lastIndexOf(')'))]
      if (!part) continue
      // Fields after the command: utime and stime are the 12th and 13th, starttime the 20th.
      const stat = text.slice(text.lastIndexOf(')') + 2).split(' ')
      byProcess.set(`${entry}:${stat[19]}`, {
        part,
        seconds: (Number(stat[11]) + Number(stat[12])) / TICKS_PER_SECOND,
      })
    } catch {
      // The process ended while the list was read.
    }
  }
  return { busySeconds: busy / TICKS_PER_SECOND, byProcess }
}

/**
 * CPU seconds between two snapshots: the machine's busy time, each infrastructure part, and
 * `other`, what is left once those and `accounted` (the measured processes, the load generator)
 * are taken away. Each part sums its processes' own differences, a process started meanwhile
 * counting from nothing; one that ended meanwhile (a closed PostgreSQL connection's backend) is
 * left out, so its whole life's CPU is not taken off the part, and what it spent since the first
 * snapshot goes to `other`.
 */
export function cpuBetween(
  before: CpuSnapshot,
  after: CpuSnapshot,
  accounted: number,
): { busy: number; parts: Record<string, number> } {
  const busy = after.busySeconds - before.busySeconds
  const parts: Record<string, number> = Object.fromEntries(
    Object.values(INFRASTRUCTURE).map((name) => [name, 0]),
  )
  for (const [id, { part, seconds }] of after.byProcess)
    parts[part]! += seconds - (before.byProcess.get(id)?.seconds ?? 0)
  const known = Object.values(parts).reduce((sum, s) => sum + s, 0) + accounted
  parts.other = Math.max(0, busy - known)
  return { busy, parts }
}

/**
 * How fast one core of this machine is right now: milliseconds for a fixed loop of SHA-256
 * hashing and arithmetic (lower is faster). A virtual machine's speed follows its host's load, so
 * a run's figures are only comparable with another's taken at a similar reference time.
 */
export function referenceLoopMs(): number {
  const started = performance.now()
  let digest = ''
  for (let i = 0; i < 300_000; i++) digest = createHash('sha256').update(`${digest}${i}`).digest('hex')
  let sum = 0
  for (let i = 0; i < 30_000_000; i++) sum += i % 7
  if (sum < 0 || digest === '') throw new Error('unreachable')
  return Math.round(performance.now() - started)
}
