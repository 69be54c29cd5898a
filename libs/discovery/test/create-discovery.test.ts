import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { ConsulDiscovery, createDiscovery, parseDiscoveryConfig, serviceUrlVariable } from '../src/index.ts'
import { startFakeConsul, type FakeConsul } from '../src/testing/index.ts'
import { recordingLogger } from './instances-until.ts'

describe('createDiscovery', { timeout: 10_000 }, () => {
  let consul: FakeConsul

  before(async () => {
    consul = await startFakeConsul()
  })

  after(() => consul.close())

  test('uses Consul when CONSUL_URL is set, with the check timings from the environment', async (t) => {
    const discovery = createDiscovery({
      env: { CONSUL_URL: consul.url, CONSUL_CHECK_INTERVAL: '2s', CONSUL_DEREGISTER_CRITICAL_AFTER: '30s' },
      logger: recordingLogger(),
    })
    t.after(() => discovery.close())
    assert.ok(discovery instanceof ConsulDiscovery)

    await discovery.register({
      service: 'notification',
      address: '127.0.0.1',
      port: 3007,
      healthCheckPath: '/healthz',
    })
    const [registered] = consul.services()
    assert.deepEqual(registered?.checks[0], {
      Name: 'notification readiness',
      HTTP: 'http://127.0.0.1:3007/healthz',
      Interval: '2s',
      Timeout: '5s',
      DeregisterCriticalServiceAfter: '30s',
    })
    await discovery.deregister()
    assert.deepEqual(consul.services(), [])
  })

  test('a CONSUL_URL that is not an http(s) URL is rejected, naming it', () => {
    assert.throws(() => createDiscovery({ env: { CONSUL_URL: 'consul:8500' }, logger: recordingLogger() }), {
      name: 'DiscoveryConfigError',
      message: /CONSUL_URL must be an http\(s\) URL/,
    })
  })

  test('a check timing that is not a Consul duration is rejected, naming it', () => {
    assert.throws(() => parseDiscoveryConfig({ CONSUL_URL: consul.url, CONSUL_CHECK_TIMEOUT: '5 seconds' }), {
      message: /CONSUL_CHECK_TIMEOUT must be a Consul duration/,
    })
  })

  test('names the variable of a service from its name', () => {
    assert.equal(serviceUrlVariable('seller-api'), 'SERVICE_SELLER_API_URL')
  })
})
