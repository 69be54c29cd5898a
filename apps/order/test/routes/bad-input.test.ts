// Walks every route the app registered and feeds it bad input: each answer must be a 4xx
// problem+json with a stable code, never a 500 and never a success.
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import type { RouteOptions } from 'fastify'
import { z } from 'zod'
import { gatewayHeaders } from '@deals/service-kit/testing'
import { startTestOrderApp, type TestOrderApp } from '../support/test-order-app.ts'

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
    { body?: z.ZodType; querystring?: z.ZodObject; params?: z.ZodObject } | undefined
  const cases: Case[] = []
  const placesOrders = route.url === '/' && methods(route).includes('POST')
  if (schema?.body) {
    const fields = schema.body instanceof z.ZodObject ? Object.keys(schema.body.shape) : ['items']
    const json = (name: string, payload: string, codes = ['VALIDATION_FAILED']) => ({ name, payload, codes })
    cases.push(
      json('wrong types', JSON.stringify(Object.fromEntries(fields.map((k) => [k, { not: ['this'] }])))),
      json('an array body', '[1,2,3]'),
      json('unknown fields', JSON.stringify({ isAdmin: true })),
      json('bad JSON', '{"dealId": ', ['MALFORMED_JSON']),
      json('an empty body', '', ['MALFORMED_JSON']),
      json('a huge body', JSON.stringify({ admissionToken: 'x'.repeat(64 * 1024) }), ['PAYLOAD_TOO_LARGE']),
      {
        name: 'a form body',
        payload: 'a=b',
        contentType: 'application/x-www-form-urlencoded',
        codes: ['UNSUPPORTED_MEDIA_TYPE'],
      },
    )
    if (!schema.body.safeParse({}).success) cases.push(json('missing fields', '{}'))
  }
  if (placesOrders) {
    const order = (fields: Record<string, unknown>) =>
      JSON.stringify({ dealId: randomUUID(), quantity: 1, paymentMethod: 'WALLET', ...fields })
    cases.push(
      { name: 'a zero quantity', payload: order({ quantity: 0 }), codes: ['VALIDATION_FAILED'] },
      { name: 'a fractional quantity', payload: order({ quantity: 1.5 }), codes: ['VALIDATION_FAILED'] },
      {
        name: 'an unknown payment method',
        payload: order({ paymentMethod: 'CASH' }),
        codes: ['VALIDATION_FAILED'],
      },
    )
    const key = { 'idempotency-key': randomUUID() }
    for (const c of cases) c.headers = key
    cases.push(
      { name: 'no Idempotency-Key', payload: order({}), codes: ['VALIDATION_FAILED'] },
      {
        name: 'a blank Idempotency-Key',
        payload: order({}),
        headers: { 'idempotency-key': ' ' },
        codes: ['VALIDATION_FAILED'],
      },
      {
        name: 'an over-long Idempotency-Key',
        payload: order({}),
        headers: { 'idempotency-key': 'k'.repeat(300) },
        codes: ['VALIDATION_FAILED'],
      },
    )
  }
  if (schema?.querystring) {
    const keys = Object.keys(schema.querystring.shape)
    cases.push({
      name: 'bad query values',
      query: keys.map((k) => `${k}=${'%00'.repeat(200)}`).join('&'),
      codes: ['VALIDATION_FAILED'],
    })
    if (keys.includes('cursor'))
      cases.push({ name: 'a forged cursor', query: 'cursor=bm90LWpzb24', codes: ['INVALID_CURSOR'] })
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
  let t: TestOrderApp
  before(async () => {
    t = await startTestOrderApp({ LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent' })
  })
  after(() => t.close())

  test('the app registered the routes this table walks', () => {
    const names = t.routes.flatMap((r) => methods(r).map((m) => `${m} ${r.url}`))
    for (const expected of ['POST /', 'GET /', 'GET /:id', 'GET /deals/:dealId/stock'])
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
