import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { ConsulDiscovery } from '../src/index.ts'
import { startFakeConsul, type FakeConsul } from '../src/testing/index.ts'
import { ids, instancesUntil, recordingLogger, type RecordedLog } from './instances-until.ts'

const fastWatch = { wait: '1s', backoffFactorMs: 10, backoffMaxMs: 100 }

function untilLogged(logs: RecordedLog[], matches: (log: RecordedLog) => boolean, timeoutMs = 5_000) {
  const started = Date.now()
  return new Promise<void>((resolve, reject) => {
    const poll = () => {
      if (logs.some(matches)) return resolve()
      if (Date.now() - started > timeoutMs) return reject(new Error('expected log line never came'))
      setTimeout(poll, 10)
    }
    poll()
  })
}

const watchFailed = (log: RecordedLog) => log.level === 'warn' && /health query failed/.test(log.msg)

describe('the watch behind ConsulDiscovery', { timeout: 20_000 }, () => {
  let consul: FakeConsul
  let registrar: ConsulDiscovery

  before(async () => {
    consul = await startFakeConsul()
    registrar = new ConsulDiscovery({ url: consul.url, logger: recordingLogger() })
    await registrar.register({ service: 'queue', id: 'queue-a', address: '127.0.0.1', port: 4601 })
    await registrar.register({ service: 'queue', id: 'queue-b', address: '127.0.0.1', port: 4602 })
  })

  after(async () => {
    await registrar.close()
    await consul.close()
  })

  test('while Consul errors it keeps serving the last known instances, then catches up', async (t) => {
    const logger = recordingLogger()
    const gateway = new ConsulDiscovery({ url: consul.url, logger, watch: fastWatch })
    t.after(() => gateway.close())
    assert.deepEqual(ids(await gateway.resolve('queue')), ['queue-a', 'queue-b'])

    consul.failWith(500)
    await untilLogged(logger.logs, watchFailed)
    consul.setHealth('queue-a', 'critical')
    assert.deepEqual(ids(await gateway.resolve('queue')), ['queue-a', 'queue-b'])

    consul.failWith(undefined)
    await instancesUntil(gateway, 'queue', (instances) => ids(instances).join() === 'queue-b')
    consul.setHealth('queue-a', 'passing')
    await instancesUntil(gateway, 'queue', (instances) => instances.length === 2)
  })

  test('the watch survives Consul restarting and sees changes made after it', async (t) => {
    const logger = recordingLogger()
    const gateway = new ConsulDiscovery({ url: consul.url, logger, watch: fastWatch })
    t.after(() => gateway.close())
    assert.deepEqual(ids(await gateway.resolve('queue')), ['queue-a', 'queue-b'])

    await consul.restart()
    await untilLogged(logger.logs, watchFailed)
    consul.setHealth('queue-b', 'critical')

    await instancesUntil(gateway, 'queue', (instances) => ids(instances).join() === 'queue-a')
    consul.setHealth('queue-b', 'passing')
  })

  test('after a 400, which ends the client watch for good, a new watch takes over', async (t) => {
    const logger = recordingLogger()
    const gateway = new ConsulDiscovery({ url: consul.url, logger, watch: fastWatch })
    t.after(() => gateway.close())
    assert.deepEqual(ids(await gateway.resolve('queue')), ['queue-a', 'queue-b'])

    consul.failWith(400)
    try {
      await untilLogged(logger.logs, (log) => /watch ended/.test(log.msg))
    } finally {
      consul.failWith(undefined)
    }
    consul.setHealth('queue-a', 'critical')

    await instancesUntil(gateway, 'queue', (instances) => ids(instances).join() === 'queue-b')
    consul.setHealth('queue-a', 'passing')
  })

  test('a first resolve while Consul is failing is SERVICE_UNAVAILABLE, and a later one succeeds', async (t) => {
    const gateway = new ConsulDiscovery({ url: consul.url, logger: recordingLogger(), watch: fastWatch })
    t.after(() => gateway.close())
    consul.failWith(503)
    try {
      await assert.rejects(gateway.resolve('queue'), { code: 'SERVICE_UNAVAILABLE' })
    } finally {
      consul.failWith(undefined)
    }

    await instancesUntil(gateway, 'queue', (instances) => instances.length === 2)
    assert.deepEqual(ids(await gateway.resolve('queue')), ['queue-a', 'queue-b'])
  })
})
