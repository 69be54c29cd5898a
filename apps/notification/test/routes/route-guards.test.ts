// Every route of the notification service refuses what the gateway did not sign and callers who
// are not signed in, and answers unreadable bodies, parameters and queries with a 4xx problem+json
// (the field-by-field cases are in feed.test.ts and stream.test.ts).
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { buyerIdentity } from '@deals/contracts/testing'
import { gatewayHeaders } from '@deals/service-kit/testing'
import { assertProblem } from '@deals/testing'
import { startTestNotificationApp, sql, type TestNotificationApp } from '../support/test-notification-app.ts'

type Method = 'GET' | 'POST' | 'PUT' | 'DELETE'

/** Each route with a valid body where it takes one, so that the caller is what gets refused. */
const ROUTES: [Method, string, object?][] = [
  ['GET', '/'],
  ['GET', '/unread-count'],
  ['POST', `/${randomUUID()}/read`],
  ['POST', '/read-all'],
  ['GET', '/preferences'],
  ['PUT', '/preferences/CHAT', { inApp: true, email: false }],
  ['GET', '/me/location'],
  ['PUT', '/me/location', { lat: 37.5559, lng: 126.9063, radiusKm: 3 }],
  ['DELETE', '/me/location'],
  ['GET', '/stream'],
]

const BODY_ROUTES = ['/preferences/CHAT', '/me/location']

const unauthenticated = { status: 401, codes: ['UNAUTHENTICATED'] }
const malformed = { status: 400, codes: ['MALFORMED_JSON'] }
const invalid = { status: 400, codes: ['VALIDATION_FAILED'] }

describe('notification routes guard their callers and their input', () => {
  let t: TestNotificationApp
  before(async () => {
    t = await startTestNotificationApp()
  })
  after(() => t.close())

  test('every route answers 401 to a call the gateway did not sign, and to an anonymous one', async () => {
    for (const [method, url, payload] of ROUTES) {
      const body = payload === undefined ? {} : { payload }
      const unsigned = await t.app.inject({ method, url, headers: { 'x-user-id': randomUUID() }, ...body })
      assertProblem(unsigned, unauthenticated, `${method} ${url} unsigned`)
      const anonymous = await t.app.inject({ method, url, headers: gatewayHeaders(), ...body })
      assertProblem(anonymous, unauthenticated, `${method} ${url} anonymous`)
    }
  })

  test('unreadable bodies, parameters and queries are 4xx problems and change nothing', async () => {
    const me = buyerIdentity()
    const send = (method: Method, url: string, payload?: string, contentType = 'application/json') =>
      t.app.inject({
        method,
        url,
        headers: { ...gatewayHeaders(me), ...(payload === undefined ? {} : { 'content-type': contentType }) },
        ...(payload === undefined ? {} : { payload }),
      })
    for (const url of BODY_ROUTES) {
      assertProblem(await send('PUT', url, '{"inApp": '), malformed, `${url} bad JSON`)
      assertProblem(await send('PUT', url, ''), malformed, `${url} empty body`)
      assertProblem(await send('PUT', url, '[true, false]'), invalid, `${url} an array`)
      assertProblem(await send('PUT', url, 'null'), invalid, `${url} null`)
      const huge = JSON.stringify({ inApp: true, email: true, pad: 'x'.repeat(8 * 1024) })
      assertProblem(
        await send('PUT', url, huge),
        { status: 413, codes: ['PAYLOAD_TOO_LARGE'] },
        `${url} huge`,
      )
      assertProblem(
        await send('PUT', url, 'inApp=true', 'application/x-www-form-urlencoded'),
        { status: 415, codes: ['UNSUPPORTED_MEDIA_TYPE'] },
        `${url} a form`,
      )
    }
    assertProblem(
      await send('POST', `/${'x'.repeat(500)}/read`),
      { status: 414, codes: ['PARAMETER_TOO_LONG'] },
      'over-long id',
    )
    assertProblem(await send('GET', '/stream?lastEventId=abc'), invalid, 'lastEventId query')
    assertProblem(await send('GET', '/stream?lastEventId=12345678901'), invalid, 'huge id')

    const written = await sql<{ n: number }>(
      t,
      'SELECT (SELECT count(*) FROM notification_preferences) + (SELECT count(*) FROM user_locations) AS n',
    )
    assert.equal(Number(written[0]!.n), 0)
  })
})
