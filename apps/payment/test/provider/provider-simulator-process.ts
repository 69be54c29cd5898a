// Runs the bundled payment provider simulator (tools/payment-provider-sim) as its own process on
// a free port, as `npm start` does, and drives it over HTTP: an app never imports a tool.
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { join } from 'node:path'
import { createInterface } from 'node:readline'

const ROOT = join(import.meta.dirname, '..', '..', '..', '..')
const MAIN = join(ROOT, 'tools', 'payment-provider-sim', 'src', 'main.ts')
export const SIMULATOR_SECRET_KEY = 'payment-test-secret-key'

/** The simulator's runtime knobs (see tools/payment-provider-sim/README.md). */
export interface SimulatorConfigPatch {
  latencyMs?: number
  latencyMinMs?: number
  latencyMaxMs?: number
  approveFailureRate?: number
  serverErrorRate?: number
  timeoutRate?: number
  timeoutAppliedRate?: number
  timeoutMs?: number
  timeoutNextCalls?: number
  readyTtlMs?: number
}

export interface SimulatedPayment {
  tid: string
  partner_order_id: string
  total_amount: number
  status: 'READY' | 'APPROVED' | 'CANCELLED' | 'FAILED' | 'EXPIRED'
  cancelled_amount: number
  approved_at: string | null
  cancels: { amount: number; reason: string; cancelled_at: string }[]
}

export interface SimulatorProcess {
  url: string
  secretKey: string
  config(patch: SimulatorConfigPatch): Promise<Record<string, number>>
  payments(): Promise<SimulatedPayment[]>
  /** What the buyer gets by approving on the provider's page. */
  authorize(tid: string): Promise<string>
  close(): Promise<void>
}

export async function startSimulatorProcess(
  config: SimulatorConfigPatch & { seed?: number } = {},
): Promise<SimulatorProcess> {
  const { seed, ...patch } = config
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN], {
    cwd: ROOT,
    env: {
      ...process.env,
      PAYMENT_PROVIDER_PORT: '0',
      PAYMENT_PROVIDER_SECRET_KEY: SIMULATOR_SECRET_KEY,
      ...(seed === undefined ? {} : { PAYMENT_PROVIDER_SEED: String(seed) }),
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  const exited = once(child, 'exit')
  // A test process that dies without its after() hook must not leave the simulator behind.
  const killOnExit = () => child.kill('SIGKILL')
  process.once('exit', killOnExit)
  void exited.then(() => process.off('exit', killOnExit))
  const url = await new Promise<string>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! })
    lines.on('line', (line) => {
      const found = /listening on (http:\/\/\S+)/.exec(line)
      if (found) resolve(found[1]!)
    })
    void exited.then(([code]) => reject(new Error(`the simulator exited (${code}) before listening`)))
  })

  async function admin<T>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await fetch(`${url}${path}`, {
      method,
      ...(body === undefined
        ? {}
        : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
    })
    if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`)
    return (await response.json()) as T
  }

  const simulator: SimulatorProcess = {
    url,
    secretKey: SIMULATOR_SECRET_KEY,
    config: (next) => admin('POST', '/__admin/config', next),
    payments: () => admin('GET', '/__admin/payments'),
    async authorize(tid) {
      const answer = await admin<{ pg_token: string }>(
        'POST',
        `/v1/payment/checkout/${encodeURIComponent(tid)}/authorize`,
      )
      return answer.pg_token
    },
    async close() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM')
      await exited
    },
  }
  if (Object.keys(patch).length) await simulator.config(patch)
  return simulator
}
