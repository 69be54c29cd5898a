import { describe, test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { startTestAuthApp, client, sql, type TestAuthApp } from '../support/test-auth-app.ts'
import {
  PASSWORD,
  identityOf,
  login,
  newEmail,
  signUpVerified,
  verificationToken,
} from '../support/accounts.ts'

describe('an account from sign-up to sign-out', () => {
  let t: TestAuthApp
  let call: ReturnType<typeof client>
  before(async () => {
    t = await startTestAuthApp()
    call = client(t)
  })
  after(() => t.close())

  test('sign-up mails a link; verifying it lets the user sign in and see their account', async () => {
    const email = newEmail()
    const signup = await call('POST', '/signup', {
      body: { email: `  ${email.toUpperCase()} `, password: PASSWORD, name: 'Kim', phone: '01012345678' },
    })
    assert.equal(signup.statusCode, 201, signup.body)

    const early = await call('POST', '/login', { body: { email, password: PASSWORD } })
    assert.equal(early.statusCode, 403)
    assert.equal(early.json().code, 'EMAIL_NOT_VERIFIED')

    const token = verificationToken((await t.mail.waitFor(email)).text)
    const verified = await call('GET', `/verify?token=${token}`)
    assert.deepEqual(verified.json(), { verified: true })
    const again = await call('GET', `/verify?token=${token}`)
    assert.equal(again.statusCode, 400)
    assert.equal(again.json().code, 'INVALID_TOKEN')

    const tokens = await login(t, email)
    assert.equal(tokens.expiresIn, 900)
    const me = await call('GET', '/me', { as: identityOf(tokens.accessToken) })
    assert.equal(me.statusCode, 200)
    assert.deepEqual(
      { ...(me.json() as object), createdAt: undefined },
      {
        id: signup.json().userId,
        email,
        name: 'Kim',
        phone: '010-1234-5678',
        roles: ['BUYER'],
        sellerId: null,
        emailVerified: true,
        createdAt: undefined,
      },
    )
  })

  test('a second account with the same e-mail, in any case, is refused with EMAIL_TAKEN', async () => {
    const { email } = await signUpVerified(t)
    const res = await call('POST', '/signup', {
      body: { email: email.toUpperCase(), password: PASSWORD, name: 'Copy' },
    })
    assert.equal(res.statusCode, 409)
    assert.equal(res.json().code, 'EMAIL_TAKEN')
  })

  for (const [why, password] of [
    ['too short', 'short1234'],
    ['one repeated character', 'aaaaaaaaaaaa'],
    ['too long', 'x'.repeat(129) + 'y'],
  ] as const) {
    test(`a password that is ${why} gets WEAK_PASSWORD`, async () => {
      const res = await call('POST', '/signup', { body: { email: newEmail(), password, name: 'Weak' } })
      assert.equal(res.statusCode, 400)
      assert.equal(res.json().code, 'WEAK_PASSWORD')
    })
  }

  test('a phone that is not a Korean mobile number is refused', async () => {
    const res = await call('POST', '/signup', {
      body: { email: newEmail(), password: PASSWORD, name: 'P', phone: '02-123-4567' },
    })
    assert.equal(res.statusCode, 400)
    assert.equal(res.json().code, 'INVALID_PHONE')
  })

  test('an unknown verification token is INVALID_TOKEN and an expired one TOKEN_EXPIRED', async () => {
    assert.equal((await call('GET', '/verify?token=nope')).json().code, 'INVALID_TOKEN')
    const email = newEmail()
    await call('POST', '/signup', { body: { email, password: PASSWORD, name: 'Late' } })
    const token = verificationToken((await t.mail.waitFor(email)).text)
    await sql(t, `UPDATE email_verification_tokens SET expires_at = now() - interval '1 minute'`)
    const res = await call('GET', `/verify?token=${token}`)
    assert.equal(res.statusCode, 400)
    assert.equal(res.json().code, 'TOKEN_EXPIRED')
  })

  test('resending a verification link answers 202 for known and unknown addresses alike, and mails the known one', async () => {
    const email = newEmail()
    await call('POST', '/signup', { body: { email, password: PASSWORD, name: 'Again' } })
    await t.mail.waitFor(email)
    const known = await call('POST', '/verify/resend', { body: { email } })
    const unknown = await call('POST', '/verify/resend', { body: { email: newEmail() } })
    assert.equal(known.statusCode, 202)
    assert.equal(unknown.statusCode, 202)
    assert.deepEqual(known.json(), unknown.json())
    const deadline = Date.now() + 5_000
    while (t.mail.mails.filter((m) => m.to.includes(email)).length < 2 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 20))
    const mails = t.mail.mails.filter((m) => m.to.includes(email))
    assert.equal(mails.length, 2)
    assert.equal((await call('GET', `/verify?token=${verificationToken(mails[1]!.text)}`)).statusCode, 200)
  })

  test('wrong password and unknown account get the same 401 INVALID_CREDENTIALS', async () => {
    const { email } = await signUpVerified(t)
    const wrong = await call('POST', '/login', { body: { email, password: 'not the password' } })
    const unknown = await call('POST', '/login', { body: { email: newEmail(), password: PASSWORD } })
    for (const res of [wrong, unknown]) {
      assert.equal(res.statusCode, 401)
      assert.equal(res.json().code, 'INVALID_CREDENTIALS')
    }
    assert.equal(wrong.json().detail, unknown.json().detail)
  })

  test('refresh rotates; replaying a used token ends the device session, newest token included', async () => {
    const { email } = await signUpVerified(t)
    const first = await login(t, email)
    const second = await call('POST', '/refresh', { body: { refreshToken: first.refreshToken } })
    assert.equal(second.statusCode, 200, second.body)
    const pair = second.json()
    assert.notEqual(pair.refreshToken, first.refreshToken)
    assert.equal(pair.tokenType, 'Bearer')

    const replay = await call('POST', '/refresh', { body: { refreshToken: first.refreshToken } })
    assert.equal(replay.statusCode, 401)
    assert.equal(replay.json().code, 'REFRESH_TOKEN_REUSED')
    const newest = await call('POST', '/refresh', { body: { refreshToken: pair.refreshToken } })
    assert.equal(newest.statusCode, 401)
    assert.equal(newest.json().code, 'INVALID_REFRESH_TOKEN')
  })

  test('two concurrent refreshes of one token: exactly one succeeds', async () => {
    const { email } = await signUpVerified(t)
    const { refreshToken } = await login(t, email)
    const results = await Promise.all(
      Array.from({ length: 8 }, () => call('POST', '/refresh', { body: { refreshToken } })),
    )
    assert.equal(results.filter((r) => r.statusCode === 200).length, 1)
    assert.ok(results.filter((r) => r.statusCode !== 200).every((r) => r.statusCode === 401))
  })

  test('an unknown or expired refresh token is INVALID_REFRESH_TOKEN', async () => {
    assert.equal(
      (await call('POST', '/refresh', { body: { refreshToken: 'garbage' } })).json().code,
      'INVALID_REFRESH_TOKEN',
    )
    const { email } = await signUpVerified(t)
    const { refreshToken } = await login(t, email)
    await sql(t, `UPDATE refresh_tokens SET expires_at = now() - interval '1 second' WHERE used_at IS NULL`)
    assert.equal(
      (await call('POST', '/refresh', { body: { refreshToken } })).json().code,
      'INVALID_REFRESH_TOKEN',
    )
  })

  test('logout ends one device; allDevices ends every device and needs a signed-in user', async () => {
    const { email } = await signUpVerified(t)
    const phone = await login(t, email, PASSWORD, 'phone')
    const laptop = await login(t, email, PASSWORD, 'laptop')
    const tablet = await login(t, email, PASSWORD, 'tablet')

    const out = await call('POST', '/logout', { body: { refreshToken: phone.refreshToken } })
    assert.equal(out.statusCode, 204)
    assert.equal(out.body, '')
    assert.equal(
      (await call('POST', '/refresh', { body: { refreshToken: phone.refreshToken } })).statusCode,
      401,
    )
    const stillIn = await call('POST', '/refresh', { body: { refreshToken: laptop.refreshToken } })
    assert.equal(stillIn.statusCode, 200)

    assert.equal((await call('POST', '/logout', { body: { allDevices: true } })).statusCode, 401)
    const all = await call('POST', '/logout', {
      body: { allDevices: true },
      as: identityOf(tablet.accessToken),
    })
    assert.equal(all.statusCode, 204)
    for (const refreshToken of [stillIn.json().refreshToken, tablet.refreshToken])
      assert.equal((await call('POST', '/refresh', { body: { refreshToken } })).statusCode, 401)
  })

  test('signing in again on the same device replaces that device session', async () => {
    const { email } = await signUpVerified(t)
    const before = await login(t, email, PASSWORD, 'same-device')
    const after = await login(t, email, PASSWORD, 'same-device')
    assert.equal(
      (await call('POST', '/refresh', { body: { refreshToken: before.refreshToken } })).statusCode,
      401,
    )
    assert.equal(
      (await call('POST', '/refresh', { body: { refreshToken: after.refreshToken } })).statusCode,
      200,
    )
  })

  test('the configured admin exists, verified, with BUYER and ADMIN', async () => {
    const tokens = await login(t, 'admin@deals.local', 'test-admin-password-1')
    assert.deepEqual(identityOf(tokens.accessToken).roles.sort(), ['ADMIN', 'BUYER'])
  })
})
