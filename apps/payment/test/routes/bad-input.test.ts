// Walks every route the payment app registered and feeds it bad input: each answer must be a 4xx
// problem+json with a stable code, never a 500 and never a success. Also: who may read what (a
// buyer never sees another's payment or wallet entries; an admin sees any payment).
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import type { z } from 'zod'
import {
  assertRoutesRegistered,
  badInputsFor,
  walkBadInput,
  walkWithoutCredentials,
  withIdempotencyKey,
  type BadInput,
  type WalkedRoute,
} from '@deals/testing'
import { gatewayHeaders } from '@deals/service-kit/testing'
import {
  admin,
  buyer,
  client,
  startTestPaymentApp,
  topUp,
  type TestPaymentApp,
} from '../support/test-payment-app.ts'
import { chargeCommand } from '../support/saga-messages.ts'

const OPERATIONAL = ['/healthz', '/readyz', '/metrics', '/openapi.json']

/** Holds every role, so that role guards pass and the input itself is what gets refused. */
const everyone = {
  userId: randomUUID(),
  roles: ['BUYER' as const, 'SELLER' as const, 'ADMIN' as const],
  sellerId: randomUUID(),
}

const invalid = (name: string, query: string) => ({ name, query, codes: ['VALIDATION_FAILED'] })

/** Amounts, tokens, dates and limits each route reads, besides what every route refuses. */
function inputsFor(route: WalkedRoute): BadInput[] {
  const schema = route.schema as { querystring?: z.ZodObject; headers?: z.ZodObject } | undefined
  const inputs = badInputsFor(route)
  if (route.url === '/wallet/charge')
    for (const [name, amount] of [
      ['a zero amount', 0],
      ['a negative amount', -1],
      ['a fractional amount', 10.5],
      ['an amount as text', '"1000"'],
      ['an unsafe integer', '9007199254740993'],
    ] as const)
      inputs.push({ name, payload: `{"amount": ${amount}}`, codes: ['VALIDATION_FAILED'] })
  if (route.url === '/:paymentId/approve')
    inputs.push({ name: 'an empty pgToken', payload: '{"pgToken": ""}', codes: ['VALIDATION_FAILED'] })
  const keys = Object.keys(schema?.querystring?.shape ?? {})
  if (schema?.querystring) inputs.push(invalid('an unknown query parameter', 'sellerId=x'))
  if (keys.includes('date'))
    for (const date of ['2026-02-30', '2026-13-01', 'yesterday'])
      inputs.push(invalid(`the date ${date}`, `date=${date}`))
  if (keys.includes('from')) inputs.push(invalid('an impossible from', 'from=2026-02-30'))
  if (keys.includes('limit')) inputs.push(invalid('a limit over 100', 'limit=101'))
  return schema?.headers?.shape['idempotency-key'] ? withIdempotencyKey(inputs, '{"amount": 1000}') : inputs
}

describe('bad input on every route', () => {
  let t: TestPaymentApp
  before(async () => {
    t = await startTestPaymentApp()
  })
  after(() => t.close())

  test('the app registered the routes this table walks', () => {
    assertRoutesRegistered(t.routes, [
      'GET /wallet',
      'POST /wallet/charge',
      'GET /wallet/entries',
      'GET /',
      'GET /:paymentId',
      'POST /:paymentId/approve',
      'GET /seller/settlements',
      'GET /seller/v1/settlements',
      'POST /admin/settlements/run',
    ])
  })

  test('every route but the operational ones refuses a call without the gateway signature', async () => {
    await walkWithoutCredentials(t.app, t.routes, { open: OPERATIONAL })
  })

  test('every bad input gets a 4xx problem+json with the expected code', async () => {
    const checked = await walkBadInput(t.app, t.routes, { headers: gatewayHeaders(everyone), inputsFor })
    assert.ok(checked >= 50, `checked ${checked} cases`)
  })

  test('a buyer never sees another buyer’s payment or wallet; an admin sees any payment', async () => {
    const call = client(t)
    const command = chargeCommand({ amount: 2_000 })
    await topUp(t, command.userId, 2_000)
    await t.app.paymentDb.$transaction((tx) => t.app.paymentDomain.commands.charge(tx, command))
    const mine = await call('GET', '/', { as: buyer(command.userId) })
    const paymentId = mine.json().items[0].id as string
    assert.equal((await call('GET', `/${paymentId}`, { as: buyer(command.userId) })).json().state, 'PAID')

    const other = buyer()
    const peek = await call('GET', `/${paymentId}`, { as: other })
    assert.equal(peek.statusCode, 404)
    assert.equal(peek.json().code, 'PAYMENT_NOT_FOUND')
    assert.deepEqual((await call('GET', `/?orderId=${command.orderId}`, { as: other })).json().items, [])
    assert.deepEqual((await call('GET', '/wallet/entries', { as: other })).json().items, [])
    assert.equal((await call('GET', '/wallet', { as: other })).json().balance, 0)
    // A wallet payment is not approvable, and another buyer cannot even learn that it exists.
    const approve = await call('POST', `/${paymentId}/approve`, { as: other, body: { pgToken: 't' } })
    assert.equal(approve.statusCode, 404)
    assert.equal((await call('GET', `/${paymentId}`, { as: admin() })).json().id, paymentId)
  })
})
