// Walks every route the app registered and feeds it bad input: each answer must be a 4xx
// problem+json with a stable code, never a 500 and never a success.
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import {
  assertRoutesRegistered,
  badInputsFor,
  routeMethods,
  walkBadInput,
  walkWithoutCredentials,
  withIdempotencyKey,
  type BadInput,
  type WalkedRoute,
} from '@deals/testing'
import { gatewayHeaders } from '@deals/service-kit/testing'
import { startTestOrderApp, type TestOrderApp } from '../support/test-order-app.ts'

const OPERATIONAL = ['/healthz', '/readyz', '/metrics', '/openapi.json']

/** Holds every role, so that role guards pass and the input itself is what gets refused. */
const everyone = {
  userId: randomUUID(),
  roles: ['BUYER' as const, 'SELLER' as const, 'ADMIN' as const],
  sellerId: randomUUID(),
}

const order = (fields: Record<string, unknown> = {}) =>
  JSON.stringify({ dealId: randomUUID(), quantity: 1, paymentMethod: 'WALLET', ...fields })

/** Placing an order also refuses quantities and payment methods it does not know, and needs a key. */
function inputsFor(route: WalkedRoute): BadInput[] {
  const inputs = badInputsFor(route)
  if (route.url !== '/' || !routeMethods(route).includes('POST')) return inputs
  const invalid = (name: string, payload: string) => ({ name, payload, codes: ['VALIDATION_FAILED'] })
  return withIdempotencyKey(
    [
      ...inputs,
      invalid('a zero quantity', order({ quantity: 0 })),
      invalid('a fractional quantity', order({ quantity: 1.5 })),
      invalid('an unknown payment method', order({ paymentMethod: 'CASH' })),
    ],
    order(),
  )
}

describe('bad input on every route', () => {
  let t: TestOrderApp
  before(async () => {
    t = await startTestOrderApp({ LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent' })
  })
  after(() => t.close())

  test('the app registered the routes this table walks', () => {
    assertRoutesRegistered(t.routes, ['POST /', 'GET /', 'GET /:id', 'GET /deals/:dealId/stock'])
  })

  test('every route but the operational ones refuses a call without the gateway signature', async () => {
    await walkWithoutCredentials(t.app, t.routes, { open: OPERATIONAL })
  })

  test('every bad input gets a 4xx problem+json with the expected code', async () => {
    const checked = await walkBadInput(t.app, t.routes, { headers: gatewayHeaders(everyone), inputsFor })
    assert.ok(checked >= 20, `checked ${checked} cases`)
  })

  test('an anonymous caller can read stock but not place or list orders', async () => {
    const anonymous = gatewayHeaders()
    const place = await t.app.inject({
      method: 'POST',
      url: '/',
      headers: { ...anonymous, 'idempotency-key': randomUUID() },
      payload: { dealId: randomUUID(), quantity: 1, paymentMethod: 'WALLET' },
    })
    assert.equal(place.statusCode, 401)
    assert.equal((await t.app.inject({ method: 'GET', url: '/', headers: anonymous })).statusCode, 401)
    const stock = await t.app.inject({
      method: 'GET',
      url: `/deals/${randomUUID()}/stock`,
      headers: anonymous,
    })
    assert.equal(stock.json().code, 'DEAL_NOT_FOUND')
  })
})
