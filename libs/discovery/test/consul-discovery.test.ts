import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { ConsulDiscovery, ServiceUnavailableError } from '../src/index.ts'
import { startFakeConsul, type FakeConsul } from '../src/testing/index.ts'
import { ids, instancesUntil, recordingLogger } from './instances-until.ts'

const fastWatch = { wait: '1s', backoffFactorMs: 10, backoffMaxMs: 100 }

describe('ConsulDiscovery', { timeout: 20_000 }, () => {
  let consul: FakeConsul
  const opened: ConsulDiscovery[] = []
  const discoveryFor = () => {
    const discovery = new ConsulDiscovery({ url: consul.url, logger: recordingLogger(), watch: fastWatch })
    opened.push(discovery)
    return discovery
  }

  before(async () => {
    consul = await startFakeConsul()
  })

  after(async () => {
    for (const discovery of opened) await discovery.close()
    await consul.close()
  })

  test('registers the instance with an HTTP health check on its readiness path', async () => {
    const discovery = discoveryFor()
    await discovery.register({ service: 'auth', address: '127.0.0.1', port: 4101, tags: ['v1'] })

    const [registered] = consul.services().filter((service) => service.name === 'auth')
    assert.ok(registered)
    assert.equal(registered.id, 'auth-127.0.0.1-4101')
    assert.equal(registered.port, 4101)
    assert.deepEqual(registered.tags, ['v1'])
    assert.equal(registered.checks.length, 1)
    assert.deepEqual(registered.checks[0], {
      Name: 'auth readiness',
      HTTP: 'http://127.0.0.1:4101/readyz',
      Interval: '10s',
      Timeout: '5s',
      DeregisterCriticalServiceAfter: '1m',
    })
  })

  test('resolves only the instances whose check is passing', async () => {
    const discovery = discoveryFor()
    await discovery.register({ service: 'catalog', id: 'catalog-a', address: '127.0.0.1', port: 4201 })
    await discovery.register({ service: 'catalog', id: 'catalog-b', address: '127.0.0.1', port: 4202 })
    consul.setHealth('catalog-b', 'critical')

    const instances = await discoveryFor().resolve('catalog')

    assert.deepEqual(instances, [
      {
        id: 'catalog-a',
        service: 'catalog',
        address: '127.0.0.1',
        port: 4201,
        tags: [],
        url: 'http://127.0.0.1:4201',
      },
    ])
  })

  test('on shutdown it deregisters what it registered, and others stop resolving it', async () => {
    const service = discoveryFor()
    const gateway = discoveryFor()
    await service.register({ service: 'party', address: '127.0.0.1', port: 4301 })
    assert.deepEqual(ids(await gateway.resolve('party')), ['party-127.0.0.1-4301'])

    await service.deregister()

    assert.equal(consul.services().filter((registered) => registered.name === 'party').length, 0)
    await instancesUntil(gateway, 'party', (instances) => instances.length === 0)
  })

  test('an instance that turns critical leaves resolve through the watch and comes back when passing', async () => {
    const service = discoveryFor()
    const gateway = discoveryFor()
    await service.register({ service: 'order', id: 'order-a', address: '127.0.0.1', port: 4401 })
    await service.register({ service: 'order', id: 'order-b', address: '127.0.0.1', port: 4402 })
    assert.deepEqual(ids(await gateway.resolve('order')), ['order-a', 'order-b'])

    consul.setHealth('order-a', 'critical')
    await instancesUntil(gateway, 'order', (instances) => ids(instances).join() === 'order-b')
    assert.deepEqual(ids(await gateway.resolve('order')), ['order-b'])

    consul.setHealth('order-a', 'passing')
    await instancesUntil(gateway, 'order', (instances) => instances.length === 2)
    assert.deepEqual(ids(await gateway.resolve('order')), ['order-a', 'order-b'])
  })

  test('pick takes the healthy instances in turn and fails with SERVICE_UNAVAILABLE when none is left', async () => {
    const service = discoveryFor()
    const gateway = discoveryFor()
    await service.register({ service: 'payment', id: 'payment-a', address: '127.0.0.1', port: 4501 })
    await service.register({ service: 'payment', id: 'payment-b', address: '127.0.0.1', port: 4502 })

    const picked = []
    for (let call = 0; call < 4; call++) picked.push((await gateway.pick('payment')).id)
    assert.deepEqual(picked, ['payment-a', 'payment-b', 'payment-a', 'payment-b'])

    consul.setHealth('payment-a', 'critical')
    consul.setHealth('payment-b', 'critical')
    await instancesUntil(gateway, 'payment', (instances) => instances.length === 0)
    await assert.rejects(gateway.pick('payment'), (error: unknown) => {
      assert.ok(error instanceof ServiceUnavailableError)
      assert.equal(error.code, 'SERVICE_UNAVAILABLE')
      assert.equal(error.service, 'payment')
      return true
    })
  })

  test('pick of a service nobody registered fails with SERVICE_UNAVAILABLE', async () => {
    await assert.rejects(discoveryFor().pick('nobody'), { code: 'SERVICE_UNAVAILABLE' })
  })
})
