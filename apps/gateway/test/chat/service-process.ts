// Runs a service's main.ts as its own process (as `npm start` does), on a free port, keeping every
// line it writes so a test can search its logs; `stop` sends SIGTERM and waits for the exit.
import { spawn } from 'node:child_process'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'

export interface ServiceProcess {
  url: string
  /** Every line the process wrote to stdout and stderr so far. */
  output: string[]
  stop(): Promise<void>
}

const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url))

export async function startServiceProcess(
  app: string,
  env: Record<string, string>,
  timeoutMs = 60_000,
): Promise<ServiceProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', `apps/${app}/src/main.ts`], {
    cwd: REPO_ROOT,
    env: { PATH: process.env.PATH ?? '', NODE_ENV: 'test', HOST: '127.0.0.1', PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const output: string[] = []
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${app} not listening:\n${output.join('\n')}`)),
      timeoutMs,
    )
    for (const stream of [child.stdout, child.stderr])
      createInterface({ input: stream }).on('line', (line) => {
        output.push(line)
        const listening = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(line)
        if (listening) {
          clearTimeout(timer)
          resolve(listening[1]!)
        }
      })
    void exited.then((code) => {
      clearTimeout(timer)
      reject(new Error(`${app} exited with ${code}:\n${output.join('\n')}`))
    })
  })
  return {
    url,
    output,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return
      child.kill('SIGTERM')
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000)
      await exited
      clearTimeout(timer)
    },
  }
}
