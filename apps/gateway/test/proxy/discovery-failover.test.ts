import { describe, test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { ConsulDiscovery } from '@deals/discovery'
import { startFakeConsul, type FakeConsul } from '@deals/discovery/testing'
import { startUpstream, type UpstreamService } from '../support/upstream-service.ts'
import { startGateway, type TestGateway } from '../support/gateway.ts'
import { call } from '../support/http.ts'

const silent = { info() {}, warn() {} }

describe('upstreams resolved through Consul', () => {
  let consul: FakeConsul
  let registrar: ConsulDiscovery
  let first: UpstreamService
  let second: UpstreamService
  let gateway: TestGateway

  const healthyCount = async () => (await gateway.app.discovery.resolve('catalog')).length
  async function untilHealthy(count: number) {
    const deadline = Date.now() + 5_000
    while ((await healthyCount()) !== count && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 20))
    assert.equal(await healthyCount(), count)
  }

  before(async () => {
    consul = await startFakeConsul()
    registrar = new ConsulDiscovery({ url: consul.url, logger: silent })
    ;[first, second] = await Promise.all([startUpstream('catalog-a'), startUpstream('catalog-b')])
    for (const [id, upstream] of [
      ['catalog-a', first],
      ['catalog-b', second],
    ] as const)
      await registrar.register({
        service: 'catalog',
        id,
        address: '127.0.0.1',
        port: Number(new URL(upstream.url).port),
      })
    gateway = await startGateway({}, { CONSUL_URL: consul.url })
  })
  after(async () => {
    await gateway.close()
    await registrar.close()
    await Promise.all([first.close(), second.close()])
    await consul.close()
  })

  test('requests are spread over the healthy instances', async () => {
    const seen = new Set<string | undefined>()
    for (let i = 0; i < 4; i++) seen.add((await call(`${gateway.url}/api/catalog/echo`)).body.instance)
    assert.deepEqual([...seen].sort(), ['catalog-a', 'catalog-b'])
  })

  test('when an instance turns critical, every request goes to the other one', async () => {
    consul.setHealth('catalog-b', 'critical')
    await untilHealthy(1)
    for (let i = 0; i < 4; i++) {
      const res = await call(`${gateway.url}/api/catalog/echo`)
      assert.equal(res.status, 200)
      assert.equal(res.body.instance, 'catalog-a')
    }
  })

  test('with no healthy instance left the answer is 503 SERVICE_UNAVAILABLE', async () => {
    consul.setHealth('catalog-a', 'critical')
    await untilHealthy(0)
    const res = await call(`${gateway.url}/api/catalog/echo`)
    assert.equal(res.status, 503)
    assert.match(res.headers.get('content-type') ?? '', /application\/problem\+json/)
    assert.equal(res.body.code, 'SERVICE_UNAVAILABLE')
  })

  test('a deregistered instance that comes back healthy gets traffic again', async () => {
    consul.setHealth('catalog-a', 'passing')
    await untilHealthy(1)
    assert.equal((await call(`${gateway.url}/api/catalog/echo`)).body.instance, 'catalog-a')
  })
})
