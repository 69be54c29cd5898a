// Walks every route the payment app registered and feeds it bad input: each answer must be a 4xx
// problem+json with a stable code, never a 500 and never a success. Also: who may read what (a
// buyer never sees another's payment or wallet entries; an admin sees any payment).
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import type { RouteOptions } from 'fastify'
import { z } from 'zod'
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

interface Case {
  name: string
  payload?: string
  contentType?: string
  query?: string
  params?: 'bad' | 'too-long'
  headers?: Record<string, string>
  codes: string[]
}

const PARAMETER = { good: () => randomUUID(), bad: () => 'not%20an%20id!', 'too-long': () => 'x'.repeat(500) }

const methods = (route: RouteOptions) => [route.method].flat().filter((m) => m !== 'HEAD')

function casesFor(route: RouteOptions): Case[] {
  const schema = route.schema as
    { body?: z.ZodType; querystring?: z.ZodObject; params?: z.ZodObject; headers?: z.ZodObject } | undefined
  const cases: Case[] = []
  if (schema?.body) {
    const fields = schema.body instanceof z.ZodObject ? Object.keys(schema.body.shape) : ['items']
    const json = (name: string, payload: string, codes = ['VALIDATION_FAILED']) => ({ name, payload, codes })
    cases.push(
      json('wrong types', JSON.stringify(Object.fromEntries(fields.map((k) => [k, { not: ['this'] }])))),
      json('an array body', '[1,2,3]'),
      json('unknown fields', JSON.stringify({ isAdmin: true })),
      json('bad JSON', '{"amount": ', ['MALFORMED_JSON']),
      json('an empty body', '', ['MALFORMED_JSON']),
      json('a huge body', JSON.stringify({ pgToken: 'x'.repeat(64 * 1024) }), ['PAYLOAD_TOO_LARGE']),
      {
        name: 'a form body',
        payload: 'a=b',
        contentType: 'application/x-www-form-urlencoded',
        codes: ['UNSUPPORTED_MEDIA_TYPE'],
      },
      json('missing fields', '{}'),
    )
  }
  if (route.url === '/wallet/charge') {
    for (const [name, amount] of [
      ['a zero amount', 0],
      ['a negative amount', -1],
      ['a fractional amount', 10.5],
      ['an amount as text', '"1000"'],
      ['an unsafe integer', '9007199254740993'],
    ] as const)
      cases.push({ name, payload: `{"amount": ${amount}}`, codes: ['VALIDATION_FAILED'] })
  }
  if (route.url === '/:paymentId/approve')
    cases.push({ name: 'an empty pgToken', payload: '{"pgToken": ""}', codes: ['VALIDATION_FAILED'] })
  if (schema?.headers?.shape['idempotency-key']) {
    const key = { 'idempotency-key': randomUUID() }
    for (const c of cases) c.headers = key
    const body = '{"amount": 1000}'
    cases.push(
      { name: 'no Idempotency-Key', payload: body, codes: ['VALIDATION_FAILED'] },
      {
        name: 'a blank Idempotency-Key',
        payload: body,
        headers: { 'idempotency-key': ' ' },
        codes: ['VALIDATION_FAILED'],
      },
      {
        name: 'an over-long Idempotency-Key',
        payload: body,
        headers: { 'idempotency-key': 'k'.repeat(300) },
        codes: ['VALIDATION_FAILED'],
      },
    )
  }
  if (schema?.querystring) {
    const keys = Object.keys(schema.querystring.shape)
    cases.push(
      {
        name: 'bad query values',
        query: keys.map((k) => `${k}=${'%00'.repeat(200)}`).join('&'),
        codes: ['VALIDATION_FAILED'],
      },
      { name: 'an unknown query parameter', query: 'sellerId=x', codes: ['VALIDATION_FAILED'] },
    )
    if (keys.includes('cursor'))
      cases.push({ name: 'a forged cursor', query: 'cursor=bm90LWpzb24', codes: ['INVALID_CURSOR'] })
    if (keys.includes('date'))
      for (const date of ['2026-02-30', '2026-13-01', 'yesterday'])
        cases.push({ name: `the date ${date}`, query: `date=${date}`, codes: ['VALIDATION_FAILED'] })
    if (keys.includes('from'))
      cases.push({ name: 'an impossible from', query: 'from=2026-02-30', codes: ['VALIDATION_FAILED'] })
    if (keys.includes('limit'))
      cases.push({ name: 'a limit over 100', query: 'limit=101', codes: ['VALIDATION_FAILED'] })
  }
  if (schema?.params) {
    cases.push({ name: 'bad path parameters', params: 'bad', codes: ['VALIDATION_FAILED'] })
    cases.push({ name: 'an over-long path parameter', params: 'too-long', codes: ['PARAMETER_TOO_LONG'] })
  }
  return cases
}

function urlFor(route: RouteOptions, params: keyof typeof PARAMETER, query?: string) {
  const path = route.url.replace(/:([A-Za-z]+)/g, PARAMETER[params])
  return query === undefined ? path : `${path}?${query}`
}

describe('bad input on every route', () => {
  let t: TestPaymentApp
  before(async () => {
    t = await startTestPaymentApp()
  })
  after(() => t.close())

  test('the app registered the routes this table walks', () => {
    const names = t.routes.flatMap((r) => methods(r).map((m) => `${m} ${r.url}`))
    for (const expected of [
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
      assert.ok(names.includes(expected), expected)
  })

  test('every route but the operational ones refuses a call without the gateway signature', async () => {
    for (const route of t.routes.filter((r) => !OPERATIONAL.includes(r.url)))
      for (const method of methods(route)) {
        const res = await t.app.inject({ method: method as 'GET', url: urlFor(route, 'good') })
        assert.equal(res.statusCode, 401, `${method} ${route.url}`)
      }
  })

  test('every bad input gets a 4xx problem+json with the expected code', async () => {
    let checked = 0
    for (const route of t.routes)
      for (const method of methods(route))
        for (const c of casesFor(route)) {
          const res = await t.app.inject({
            method: method as 'POST',
            url: urlFor(route, c.params ?? 'good', c.query),
            headers: {
              ...gatewayHeaders(everyone),
              ...c.headers,
              ...(c.payload === undefined ? {} : { 'content-type': c.contentType ?? 'application/json' }),
            },
            ...(c.payload === undefined ? {} : { payload: c.payload }),
          })
          const label = `${method} ${route.url} with ${c.name}: ${res.statusCode} ${res.body.slice(0, 200)}`
          assert.ok(res.statusCode >= 400 && res.statusCode < 500, label)
          assert.match(String(res.headers['content-type']), /^application\/problem\+json/, label)
          assert.ok(c.codes.includes(res.json().code), label)
          checked++
        }
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
