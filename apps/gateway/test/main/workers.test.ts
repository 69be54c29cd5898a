// GATEWAY_WORKERS: the gateway started as a process forks that many workers sharing one port;
// both answer, and a SIGTERM to the primary stops them all.
import { describe, test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { spawn, type ChildProcess } from 'node:child_process'
import { readdirSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { TEST_GATEWAY_SECRET } from '@deals/service-kit/testing'
import { createRedisPrefix, type TestRedis } from '@deals/testing'
import { waitUntil } from '@deals/messaging/testing'
import { startUpstream, type UpstreamService } from '../support/upstream-service.ts'
import { deadUrl } from '../support/gateway.ts'
import { call } from '../support/http.ts'

const MAIN = fileURLToPath(new URL('../../src/main.ts', import.meta.url))

/** Live processes whose parent is `pid`. */
function childrenOf(pid: number): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((entry) => {
      try {
        const stat = readFileSync(`/proc/${entry}/stat`, 'utf8')
        return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === pid
      } catch {
        return false
      }
    })
    .map(Number)
}

describe('gateway workers (node cluster)', () => {
  let catalog: UpstreamService
  let redis: TestRedis
  let primary: ChildProcess
  let url: string
  before(async () => {
    catalog = await startUpstream('catalog')
    redis = createRedisPrefix('gateway_workers')
    const nowhere = await deadUrl()
    const port = Number(new URL(await deadUrl()).port)
    url = `http://127.0.0.1:${port}`
    primary = spawn(process.execPath, ['--import', 'tsx', MAIN], {
      env: {
        PATH: process.env.PATH,
        NODE_ENV: 'test',
        LOG_LEVEL: 'silent',
        PORT: String(port),
        GATEWAY_WORKERS: '2',
        GATEWAY_SIGNING_SECRET: TEST_GATEWAY_SECRET,
        REDIS_URL: redis.url,
        REDIS_KEY_PREFIX: `${redis.prefix}gw:`,
        SERVICE_CATALOG_URL: catalog.url,
        ...Object.fromEntries(
          ['AUTH', 'PARTY', 'ORDER', 'PAYMENT', 'QUEUE', 'NOTIFICATION'].map((s) => [
            `SERVICE_${s}_URL`,
            nowhere,
          ]),
        ),
      },
      stdio: 'ignore',
    })
    await waitUntil(
      () =>
        call(`${url}/healthz`).then(
          (res) => res.status === 200,
          () => false,
        ),
      {
        timeoutMs: 60_000,
        intervalMs: 250,
        message: 'the gateway answers',
      },
    )
  })
  after(async () => {
    if (primary.exitCode === null && primary.signalCode === null) primary.kill('SIGKILL')
    await catalog.close()
    await redis.cleanup()
  })

  test('two workers serve the port; SIGTERM to the primary stops them all', async () => {
    const workers = await waitUntil(
      () => (childrenOf(primary.pid!).length === 2 ? childrenOf(primary.pid!) : undefined),
      {
        timeoutMs: 60_000,
        message: 'two workers forked',
      },
    )
    const answers = await Promise.all(Array.from({ length: 20 }, () => call(`${url}/api/catalog/echo`)))
    assert.ok(answers.every((res) => res.status === 200))
    const exited = new Promise((resolve) => primary.once('exit', resolve))
    primary.kill('SIGTERM')
    await exited
    await waitUntil(() => workers.every((pid) => !alive(pid)), {
      timeoutMs: 20_000,
      message: 'the workers stopped',
    })
  })
})

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}
