import { describe, test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import type { Identity } from '@deals/contracts'
import { startTestAuthApp, client, sql, type TestAuthApp } from '../support/test-auth-app.ts'
import { adminIdentity, identityOf, login, newEmail, signedIn, PASSWORD } from '../support/accounts.ts'

/** A valid number: the check digit matches. */
const BUSINESS_NUMBER = '124-81-00998'

describe('seller onboarding and API keys', () => {
  let t: TestAuthApp
  let call: ReturnType<typeof client>
  let admin: Identity
  before(async () => {
    t = await startTestAuthApp()
    call = client(t)
    admin = await adminIdentity(t)
  })
  after(() => t.close())

  async function approvedSeller() {
    const { email, identity } = await signedIn(t)
    const applied = await call('POST', '/seller-applications', {
      as: identity,
      body: { companyName: 'Shop', businessNumber: BUSINESS_NUMBER },
    })
    assert.equal(applied.statusCode, 201, applied.body)
    const approved = await call('POST', `/admin/seller-applications/${applied.json().id}/approve`, {
      as: admin,
    })
    assert.equal(approved.statusCode, 200, approved.body)
    return { email, identity: identityOf((await login(t, email)).accessToken) }
  }

  const outboxNames = async () =>
    (await sql<{ event_name: string }>(t, 'SELECT event_name FROM outbox_messages')).map((r) => r.event_name)

  test('apply, then approval makes a seller: SELLER and sellerId in the next token, events in the outbox', async () => {
    const { identity, tokens } = await signedIn(t)
    const applied = await call('POST', '/seller-applications', {
      as: identity,
      body: { companyName: 'Fresh Market', businessNumber: '1248100998' },
    })
    assert.equal(applied.statusCode, 201)
    assert.equal(applied.json().status, 'PENDING')
    assert.equal(applied.json().businessNumber, BUSINESS_NUMBER)

    const second = await call('POST', '/seller-applications', {
      as: identity,
      body: { companyName: 'Again', businessNumber: BUSINESS_NUMBER },
    })
    assert.equal(second.statusCode, 409)
    assert.equal(second.json().code, 'APPLICATION_PENDING')

    const pending = await call('GET', '/admin/seller-applications?status=PENDING', { as: admin })
    assert.ok(pending.json().items.some((a: { id: string }) => a.id === applied.json().id))

    const approved = await call('POST', `/admin/seller-applications/${applied.json().id}/approve`, {
      as: admin,
    })
    assert.equal(approved.json().status, 'APPROVED')
    const twice = await call('POST', `/admin/seller-applications/${applied.json().id}/reject`, {
      as: admin,
      body: { reason: 'late' },
    })
    assert.equal(twice.statusCode, 409)
    assert.equal(twice.json().code, 'APPLICATION_ALREADY_DECIDED')

    const refreshed = await call('POST', '/refresh', { body: { refreshToken: tokens.refreshToken } })
    const seller = identityOf(refreshed.json().accessToken)
    assert.deepEqual(seller.roles.sort(), ['BUYER', 'SELLER'])
    assert.equal(seller.sellerId, approved.json().sellerId)
    const me = await call('GET', '/me', { as: seller })
    assert.equal(me.json().sellerId, approved.json().sellerId)

    const events = await outboxNames()
    for (const name of [
      'user.registered.v1',
      'user.verified.v1',
      'seller.approved.v1',
      'user.roles-changed.v1',
    ])
      assert.ok(events.includes(name), `outbox has ${name}`)
  })

  test('rejection records the reason; the user may apply again; my applications list both', async () => {
    const { identity } = await signedIn(t)
    const first = (
      await call('POST', '/seller-applications', {
        as: identity,
        body: { companyName: 'A', businessNumber: BUSINESS_NUMBER },
      })
    ).json()
    const rejected = await call('POST', `/admin/seller-applications/${first.id}/reject`, {
      as: admin,
      body: { reason: 'Documents missing' },
    })
    assert.equal(rejected.json().status, 'REJECTED')
    assert.equal(rejected.json().rejectReason, 'Documents missing')
    assert.equal(
      (
        await call('POST', '/seller-applications', {
          as: identity,
          body: { companyName: 'A', businessNumber: BUSINESS_NUMBER },
        })
      ).statusCode,
      201,
    )
    const mine = await call('GET', '/seller-applications/me', { as: identity })
    assert.deepEqual(
      mine.json().items.map((a: { status: string }) => a.status),
      ['PENDING', 'REJECTED'],
    )
  })

  test('a wrong check digit, an unverified account and non-admin review are refused', async () => {
    const { identity } = await signedIn(t)
    const bad = await call('POST', '/seller-applications', {
      as: identity,
      body: { companyName: 'X', businessNumber: '124-81-00997' },
    })
    assert.equal(bad.json().code, 'INVALID_BUSINESS_NUMBER')

    const unverified = await call('POST', '/signup', {
      body: { email: newEmail(), password: PASSWORD, name: 'U' },
    })
    const asUnverified: Identity = { userId: unverified.json().userId, roles: ['BUYER'] }
    const refused = await call('POST', '/seller-applications', {
      as: asUnverified,
      body: { companyName: 'X', businessNumber: BUSINESS_NUMBER },
    })
    assert.equal(refused.statusCode, 403)

    assert.equal((await call('GET', '/admin/seller-applications', { as: identity })).statusCode, 403)
    const someId = '00000000-0000-4000-8000-000000000000'
    assert.equal(
      (await call('POST', `/admin/seller-applications/${someId}/approve`, { as: identity })).statusCode,
      403,
    )
    assert.equal(
      (await call('POST', `/admin/seller-applications/${someId}/approve`, { as: admin })).statusCode,
      404,
    )
  })

  test('the admin list pages with a cursor', async () => {
    for (let i = 0; i < 3; i++) {
      const { identity } = await signedIn(t)
      await call('POST', '/seller-applications', {
        as: identity,
        body: { companyName: `P${i}`, businessNumber: BUSINESS_NUMBER },
      })
    }
    const seen: string[] = []
    let cursor: string | null = null
    do {
      const page: { items: { id: string }[]; nextCursor: string | null } = (
        await call('GET', `/admin/seller-applications?limit=2${cursor ? `&cursor=${cursor}` : ''}`, {
          as: admin,
        })
      ).json()
      assert.ok(page.items.length <= 2)
      seen.push(...page.items.map((a) => a.id))
      cursor = page.nextCursor
    } while (cursor)
    assert.equal(new Set(seen).size, seen.length)
    const all = (await call('GET', '/admin/seller-applications?limit=100', { as: admin })).json().items
    assert.deepEqual(
      seen,
      all.map((a: { id: string }) => a.id),
    )
  })

  test('an API key is shown once, listed without its secret, introspected, and revoked', async () => {
    const { identity } = await approvedSeller()
    const created = await call('POST', '/api-keys', {
      as: identity,
      body: { name: 'ERP', scopes: ['products:read', 'deals:write'] },
    })
    assert.equal(created.statusCode, 201, created.body)
    const { key, id, prefix } = created.json()
    assert.match(key, /^dk_[a-z0-9]{16}_[A-Za-z0-9_-]{43}$/)
    assert.ok(key.startsWith(`${prefix}_`))

    const listed = await call('GET', '/api-keys', { as: identity })
    assert.equal(listed.json().items.length, 1)
    // The secret is base64url and may itself hold '_': everything after the prefix is the secret.
    assert.ok(!listed.body.includes(key.slice(prefix.length + 1)), 'the list shows the secret')

    const active = await call('POST', '/internal/api-keys/introspect', { body: { key } })
    assert.deepEqual(active.json(), {
      active: true,
      apiKeyId: id,
      sellerId: identity.sellerId,
      userId: identity.userId,
      scopes: ['products:read', 'deals:write'],
      rateLimitPerMinute: 600,
    })
    assert.ok((await call('GET', '/api-keys', { as: identity })).json().items[0].lastUsedAt)

    for (const garbage of ['', 'dk_nothing', `${prefix}_${'A'.repeat(43)}`, key.toUpperCase()])
      assert.deepEqual(
        (await call('POST', '/internal/api-keys/introspect', { body: { key: garbage } })).json(),
        { active: false },
      )

    assert.equal((await call('DELETE', `/api-keys/${id}`, { as: identity })).statusCode, 204)
    assert.deepEqual((await call('POST', '/internal/api-keys/introspect', { body: { key } })).json(), {
      active: false,
    })
    assert.ok((await outboxNames()).includes('api-key.revoked.v1'))
  })

  test('an expired key is inactive', async () => {
    const { identity } = await approvedSeller()
    const soon = new Date(Date.now() + 60_000).toISOString()
    const { key, id } = (
      await call('POST', '/api-keys', {
        as: identity,
        body: { name: 'Temp', scopes: ['sales:read'], expiresAt: soon },
      })
    ).json()
    await sql(t, `UPDATE api_keys SET expires_at = now() - interval '1 second' WHERE id = $1`, [id])
    assert.deepEqual((await call('POST', '/internal/api-keys/introspect', { body: { key } })).json(), {
      active: false,
    })
  })

  test("API keys are for sellers only, and another seller's key is 404", async () => {
    const buyer = (await signedIn(t)).identity
    assert.equal(
      (await call('POST', '/api-keys', { as: buyer, body: { name: 'x', scopes: ['sales:read'] } }))
        .statusCode,
      403,
    )
    const a = await approvedSeller()
    const b = await approvedSeller()
    const { id } = (
      await call('POST', '/api-keys', { as: a.identity, body: { name: 'A', scopes: ['sales:read'] } })
    ).json()
    assert.equal((await call('DELETE', `/api-keys/${id}`, { as: b.identity })).statusCode, 404)
    assert.deepEqual((await call('GET', '/api-keys', { as: b.identity })).json().items, [])
    const unknownScope = await call('POST', '/api-keys', {
      as: a.identity,
      body: { name: 'x', scopes: ['root'] },
    })
    assert.equal(unknownScope.statusCode, 400)
  })
})
