import { describe, test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { gatewayHeaders } from '@deals/service-kit/testing'
import { startTestAuthApp, type TestAuthApp } from '../support/test-auth-app.ts'
import { PASSWORD, newEmail, signUpVerified } from '../support/accounts.ts'

describe('sign-in limits', () => {
  let t: TestAuthApp
  before(async () => {
    t = await startTestAuthApp({ LOGIN_MAX_PER_IP_PER_MINUTE: '12' })
  })
  after(() => t.close())

  const loginFrom = (ip: string, email: string, password: string) =>
    t.app.inject({
      method: 'POST',
      url: '/login',
      remoteAddress: ip,
      headers: gatewayHeaders(),
      payload: { email, password },
    })

  test('after 5 failures the 6th attempt for that account is 429 with Retry-After, even with the right password', async () => {
    const { email } = await signUpVerified(t)
    for (let i = 0; i < 5; i++)
      assert.equal((await loginFrom('10.0.0.1', email, 'wrong password!')).statusCode, 401)
    const sixth = await loginFrom('10.0.0.2', email.toUpperCase(), PASSWORD)
    assert.equal(sixth.statusCode, 429)
    assert.equal(sixth.json().code, 'TOO_MANY_ATTEMPTS')
    const retryAfter = Number(sixth.headers['retry-after'])
    assert.ok(retryAfter > 0 && retryAfter <= 900, `Retry-After ${retryAfter}`)
  })

  test('a successful sign-in clears the failure count', async () => {
    const { email } = await signUpVerified(t)
    for (let i = 0; i < 4; i++) await loginFrom('10.0.1.1', email, 'wrong password!')
    assert.equal((await loginFrom('10.0.1.1', email, PASSWORD)).statusCode, 200)
    for (let i = 0; i < 4; i++) await loginFrom('10.0.1.1', email, 'wrong password!')
    assert.equal((await loginFrom('10.0.1.1', email, PASSWORD)).statusCode, 200)
  })

  test('one address trying many accounts is cut off with TOO_MANY_REQUESTS; other addresses are not', async () => {
    const statuses: number[] = []
    for (let i = 0; i < 13; i++)
      statuses.push((await loginFrom('10.9.9.9', newEmail(), 'whatever password')).statusCode)
    assert.deepEqual(statuses.slice(0, 12), Array(12).fill(401))
    const blocked = await loginFrom('10.9.9.9', newEmail(), 'whatever password')
    assert.equal(blocked.statusCode, 429)
    assert.equal(blocked.json().code, 'TOO_MANY_REQUESTS')
    assert.ok(Number(blocked.headers['retry-after']) > 0)
    assert.equal((await loginFrom('10.9.9.10', newEmail(), 'whatever password')).statusCode, 401)
  })
})
