import { describe, test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { startTestAuthApp, client, sql, type TestAuthApp } from '../support/test-auth-app.ts'
import { signedIn } from '../support/accounts.ts'

const address = (n: number, extra: Record<string, unknown> = {}) => ({
  label: `Place ${n}`,
  recipient: `홍길동 ${n}`,
  phone: '010-9876-5432',
  postalCode: '06236',
  line1: `서울특별시 강남구 테헤란로 ${n}길`,
  line2: `${n}층`,
  ...extra,
})

describe('delivery addresses', () => {
  let t: TestAuthApp
  let call: ReturnType<typeof client>
  before(async () => {
    t = await startTestAuthApp()
    call = client(t)
  })
  after(() => t.close())

  test('the first address is the default; at most 5; a 6th is ADDRESS_LIMIT_REACHED', async () => {
    const { identity } = await signedIn(t)
    const created = []
    for (let i = 1; i <= 5; i++) {
      const res = await call('POST', '/me/addresses', { as: identity, body: address(i) })
      assert.equal(res.statusCode, 201, res.body)
      created.push(res.json())
    }
    assert.equal(created[0].isDefault, true)
    assert.ok(created.slice(1).every((a) => a.isDefault === false))
    const sixth = await call('POST', '/me/addresses', { as: identity, body: address(6) })
    assert.equal(sixth.statusCode, 409)
    assert.equal(sixth.json().code, 'ADDRESS_LIMIT_REACHED')
  })

  test('concurrent additions never exceed the limit', async () => {
    const { identity } = await signedIn(t)
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) => call('POST', '/me/addresses', { as: identity, body: address(i) })),
    )
    assert.equal(results.filter((r) => r.statusCode === 201).length, 5)
    const list = (await call('GET', '/me/addresses', { as: identity })).json().items
    assert.equal(list.length, 5)
    assert.equal(list.filter((a: { isDefault: boolean }) => a.isDefault).length, 1)
  })

  test('choosing another default unsets the previous; deleting the default promotes the oldest', async () => {
    const { identity } = await signedIn(t)
    const a = (await call('POST', '/me/addresses', { as: identity, body: address(1) })).json()
    const b = (
      await call('POST', '/me/addresses', { as: identity, body: address(2, { isDefault: true }) })
    ).json()
    const c = (await call('POST', '/me/addresses', { as: identity, body: address(3) })).json()
    const defaults = async () =>
      (await call('GET', '/me/addresses', { as: identity }))
        .json()
        .items.filter((x: { isDefault: boolean }) => x.isDefault)
        .map((x: { id: string }) => x.id)
    assert.deepEqual(await defaults(), [b.id])

    const patched = await call('PATCH', `/me/addresses/${c.id}`, {
      as: identity,
      body: { isDefault: true, label: 'Office' },
    })
    assert.equal(patched.statusCode, 200)
    assert.equal(patched.json().label, 'Office')
    assert.deepEqual(await defaults(), [c.id])

    assert.equal((await call('DELETE', `/me/addresses/${c.id}`, { as: identity })).statusCode, 204)
    assert.deepEqual(await defaults(), [a.id])
  })

  test("another user's address is 404 to read, change or delete", async () => {
    const owner = await signedIn(t)
    const other = await signedIn(t)
    const mine = (await call('POST', '/me/addresses', { as: owner.identity, body: address(1) })).json()
    assert.equal(
      (await call('PATCH', `/me/addresses/${mine.id}`, { as: other.identity, body: { label: 'x' } }))
        .statusCode,
      404,
    )
    assert.equal((await call('DELETE', `/me/addresses/${mine.id}`, { as: other.identity })).statusCode, 404)
    assert.deepEqual((await call('GET', '/me/addresses', { as: other.identity })).json().items, [])
    assert.equal((await call('GET', '/me/addresses', { as: owner.identity })).json().items.length, 1)
  })

  test('recipient, phone and street lines are encrypted in the database and readable by their owner', async () => {
    const { identity } = await signedIn(t)
    const body = address(7, { phone: '01055556666' })
    const created = (await call('POST', '/me/addresses', { as: identity, body })).json()
    assert.equal(created.phone, '010-5555-6666')
    assert.equal(created.line1, body.line1)

    const [row] = await sql<{ line1_enc: string }>(t, 'SELECT * FROM addresses WHERE id = $1', [created.id])
    const raw = JSON.stringify(row)
    for (const secret of [body.recipient, '5555', body.line1, body.line2])
      assert.ok(!raw.includes(secret), `raw row leaks ${secret}`)
    assert.match(row!.line1_enc, /^v1\./)
  })

  test('addresses need a signed-in user', async () => {
    assert.equal((await call('GET', '/me/addresses')).statusCode, 401)
  })
})
