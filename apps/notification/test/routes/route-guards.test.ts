// Every route of the notification service refuses what the gateway did not sign and callers who
// are not signed in, and answers unreadable bodies, parameters and queries with a 4xx problem+json
// (the field-by-field cases are in feed.test.ts and stream.test.ts).
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import type { LightMyRequestResponse } from 'fastify'
import { buyerIdentity } from '@deals/contracts/testing'
import { gatewayHeaders } from '@deals/service-kit/testing'
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

function assertProblem(res: LightMyRequestResponse, status: number, code: string, what: string) {
  assert.equal(res.statusCode, status, `${what}: ${res.body}`)
  assert.match(String(res.headers['content-type']), /^application\/problem\+json/, what)
  assert.equal(res.json().code, code, what)
}

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
      assertProblem(unsigned, 401, 'UNAUTHENTICATED', `${method} ${url} unsigned`)
      const anonymous = await t.app.inject({ method, url, headers: gatewayHeaders(), ...body })
      assertProblem(anonymous, 401, 'UNAUTHENTICATED', `${method} ${url} anonymous`)
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
      assertProblem(await send('PUT', url, '{"inApp": '), 400, 'MALFORMED_JSON', `${url} bad JSON`)
      assertProblem(await send('PUT', url, ''), 400, 'MALFORMED_JSON', `${url} empty body`)
      assertProblem(await send('PUT', url, '[true, false]'), 400, 'VALIDATION_FAILED', `${url} an array`)
      assertProblem(await send('PUT', url, 'null'), 400, 'VALIDATION_FAILED', `${url} null`)
      assertProblem(
        await send('PUT', url, JSON.stringify({ inApp: true, email: true, pad: 'x'.repeat(8 * 1024) })),
        413,
        'PAYLOAD_TOO_LARGE',
        `${url} huge`,
      )
      assertProblem(
        await send('PUT', url, 'inApp=true', 'application/x-www-form-urlencoded'),
        415,
        'UNSUPPORTED_MEDIA_TYPE',
        `${url} a form`,
      )
    }
    assertProblem(await send('POST', `/${'x'.repeat(500)}/read`), 414, 'PARAMETER_TOO_LONG', 'over-long id')
    assertProblem(await send('GET', '/stream?lastEventId=abc'), 400, 'VALIDATION_FAILED', 'lastEventId query')
    assertProblem(await send('GET', '/stream?lastEventId=12345678901'), 400, 'VALIDATION_FAILED', 'huge id')

    const written = await sql<{ n: number }>(
      t,
      'SELECT (SELECT count(*) FROM notification_preferences) + (SELECT count(*) FROM user_locations) AS n',
    )
    assert.equal(Number(written[0]!.n), 0)
  })
})
