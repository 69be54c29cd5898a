// Walks every route the party app registered (the chat's handshake included) and feeds it bad
// input: each answer must be a 4xx problem+json with a stable code, never a 500 and never a success.
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { assertRoutesRegistered, badInputsFor, walkBadInput, walkWithoutCredentials } from '@deals/testing'
import { gatewayHeaders } from '@deals/service-kit/testing'
import { startTestPartyApp, type TestPartyApp } from '../support/test-party-app.ts'

const OPERATIONAL = ['/healthz', '/readyz', '/metrics', '/openapi.json']

/** Holds every role, so that role guards pass and the input itself is what gets refused. */
const everyone = { userId: randomUUID(), roles: ['BUYER' as const, 'SELLER' as const, 'ADMIN' as const] }

describe('bad input on every party route', () => {
  let t: TestPartyApp
  before(async () => {
    t = await startTestPartyApp()
  })
  after(() => t.close())

  test('the app registered the routes this table walks', () => {
    assertRoutesRegistered(t.routes, [
      'POST /parties',
      'GET /parties/nearby',
      'GET /parties/:id',
      'POST /parties/:id/join',
      'GET /parties/:id/chat',
      'GET /parties/:id/messages',
      'POST /parties/:id/penalties',
      'GET /users/:id/penalties',
      'GET /me/parties',
    ])
  })

  test('every route but the operational ones refuses a call without the gateway signature', async () => {
    await walkWithoutCredentials(t.app, t.routes, { open: OPERATIONAL })
  })

  test('every bad input gets a 4xx problem+json with the expected code and writes nothing', async () => {
    const checked = await walkBadInput(t.app, t.routes, {
      headers: gatewayHeaders(everyone),
      // The nearby search reads its cursor only once it knows where to look.
      inputsFor: (route) => badInputsFor(route, { requiredQuery: 'lat=37.5&lng=126.9' }),
    })
    assert.ok(checked >= 35, `checked ${checked} cases`)
    const written = await t.sql<{ n: number }>(
      `SELECT (SELECT count(*) FROM parties) + (SELECT count(*) FROM penalties) + (SELECT count(*) FROM outbox_messages) AS n`,
    )
    assert.equal(Number(written[0]!.n), 0)
  })
})
