import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { createDiscovery, DiscoveryConfigError, StaticDiscovery } from '../src/index.ts'
import { ids, recordingLogger } from './instances-until.ts'

describe('static discovery', () => {
  test('reads every SERVICE_<NAME>_URL variable into instances', async () => {
    const discovery = createDiscovery({
      env: {
        SERVICE_AUTH_URL: 'http://127.0.0.1:3001',
        SERVICE_SELLER_API_URL: 'http://10.0.0.5:4000/, https://seller.internal',
        PATH: '/usr/bin',
      },
      logger: recordingLogger(),
    })

    assert.ok(discovery instanceof StaticDiscovery)
    assert.deepEqual(await discovery.resolve('auth'), [
      {
        id: 'auth-1',
        service: 'auth',
        address: '127.0.0.1',
        port: 3001,
        tags: [],
        url: 'http://127.0.0.1:3001',
      },
    ])
    const sellerApi = await discovery.resolve('seller-api')
    assert.deepEqual(
      sellerApi.map(({ url, port }) => ({ url, port })),
      [
        { url: 'http://10.0.0.5:4000', port: 4000 },
        { url: 'https://seller.internal', port: 443 },
      ],
    )
  })

  test('logs exactly once that discovery is static because CONSUL_URL is not set', async () => {
    const logger = recordingLogger()
    const discovery = createDiscovery({
      env: { SERVICE_AUTH_URL: 'http://127.0.0.1:3001', CONSUL_URL: '' },
      logger,
    })
    await discovery.register({ service: 'auth', address: '127.0.0.1', port: 3001 })
    await discovery.resolve('auth')
    await discovery.pick('auth')
    await discovery.deregister()
    await discovery.close()

    assert.equal(logger.logs.length, 1)
    assert.equal(logger.logs[0]!.level, 'info')
    assert.match(logger.logs[0]!.msg, /static/)
    assert.match(logger.logs[0]!.msg, /CONSUL_URL/)
  })

  test('pick takes the listed URLs in turn; an unlisted service is SERVICE_UNAVAILABLE naming its variable', async () => {
    const discovery = createDiscovery({
      env: { SERVICE_ORDER_URL: 'http://127.0.0.1:3004,http://127.0.0.1:3104' },
      logger: recordingLogger(),
    })

    const picked = []
    for (let call = 0; call < 3; call++) picked.push((await discovery.pick('order')).port)
    assert.deepEqual(picked, [3004, 3104, 3004])
    await assert.rejects(discovery.pick('payment'), {
      code: 'SERVICE_UNAVAILABLE',
      message: /SERVICE_PAYMENT_URL/,
    })
  })

  test('watch reports the listed instances once', async () => {
    const discovery = createDiscovery({
      env: { SERVICE_AUTH_URL: 'http://127.0.0.1:3001' },
      logger: recordingLogger(),
    })
    const seen = await new Promise<string[]>((resolve) =>
      discovery.watch('auth', (instances) => resolve(ids(instances))),
    )
    assert.deepEqual(seen, ['auth-1'])
  })

  test('a malformed URL is rejected with an error naming the variable', () => {
    assert.throws(
      () =>
        createDiscovery({
          env: {
            SERVICE_AUTH_URL: 'http://127.0.0.1:3001',
            SERVICE_CATALOG_URL: 'http://127.0.0.1:3002,127.0.0.1:3012',
          },
          logger: recordingLogger(),
        }),
      (error: unknown) => {
        assert.ok(error instanceof DiscoveryConfigError)
        assert.deepEqual(error.variables, ['SERVICE_CATALOG_URL'])
        assert.match(error.message, /SERVICE_CATALOG_URL \(entry 2\) must be an http\(s\) URL/)
        return true
      },
    )
  })

  test('a variable with no URL at all is rejected, naming it', () => {
    assert.throws(() => createDiscovery({ env: { SERVICE_AUTH_URL: ' , ' }, logger: recordingLogger() }), {
      message: /SERVICE_AUTH_URL must list at least one URL/,
    })
  })
})
