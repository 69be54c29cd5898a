import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { startFakeConsul, type FakeConsul } from '../../src/testing/index.ts'

describe('the Consul HTTP double', { timeout: 10_000 }, () => {
  let consul: FakeConsul

  const register = (body: object) =>
    fetch(`${consul.url}/v1/agent/service/register`, { method: 'PUT', body: JSON.stringify(body) })
  const health = (name: string, query = '') =>
    fetch(`${consul.url}/v1/health/service/${name}?passing=true${query}`)
  const indexOf = (response: Response) => Number(response.headers.get('x-consul-index'))

  before(async () => {
    consul = await startFakeConsul()
  })

  after(() => consul.close())

  test('answers a health query without index at once, with the X-Consul-Index header', async () => {
    assert.equal(
      (await register({ Name: 'auth', ID: 'auth-1', Address: '10.0.0.1', Port: 3001 })).status,
      200,
    )

    const response = await health('auth')

    assert.equal(response.status, 200)
    assert.ok(indexOf(response) > 0)
    const [entry] = (await response.json()) as { Service: { ID: string; Address: string; Port: number } }[]
    assert.deepEqual(
      { id: entry?.Service.ID, address: entry?.Service.Address, port: entry?.Service.Port },
      { id: 'auth-1', address: '10.0.0.1', port: 3001 },
    )
  })

  test('holds a blocking query until the service changes, then answers with a higher index', async () => {
    await register({ Name: 'catalog', ID: 'catalog-1', Address: '10.0.0.2', Port: 3002 })
    const first = await health('catalog')
    const index = indexOf(first)

    const held = health('catalog', `&index=${index}&wait=5s`)
    while (consul.heldQueries() === 0) await new Promise((resolve) => setTimeout(resolve, 5))
    consul.setHealth('catalog-1', 'critical')
    const answer = await held

    assert.ok(indexOf(answer) > index)
    assert.deepEqual(await answer.json(), [])
  })

  test('answers a held query with the same index when the wait elapses without a change', async () => {
    await register({ Name: 'party', ID: 'party-1', Address: '10.0.0.3', Port: 3003 })
    const index = indexOf(await health('party'))

    const answer = await health('party', `&index=${index}&wait=50ms`)

    assert.equal(indexOf(answer), index)
    assert.equal(((await answer.json()) as unknown[]).length, 1)
  })

  test('answers the failure status it is told to, until told to stop', async () => {
    consul.failWith(500)
    try {
      assert.equal((await health('auth')).status, 500)
    } finally {
      consul.failWith(undefined)
    }
    assert.equal((await health('auth')).status, 200)
  })

  test('refuses to deregister an unknown id and what it does not implement', async () => {
    const unknown = await fetch(`${consul.url}/v1/agent/service/deregister/nope`, { method: 'PUT' })
    assert.equal(unknown.status, 404)
    assert.equal((await fetch(`${consul.url}/v1/kv/anything`)).status, 404)
  })
})
