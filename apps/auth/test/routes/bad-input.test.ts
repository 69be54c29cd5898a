// Walks every route the app registered and feeds it bad input: each answer must be a 4xx
// problem+json with a stable code, never a 500 and never a success.
import { describe, test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import type { RouteOptions } from 'fastify'
import { z } from 'zod'
import { gatewayHeaders } from '@deals/service-kit/testing'
import { startTestAuthApp, type TestAuthApp } from '../support/test-auth-app.ts'

/** Operational endpoints and the JWKS answer anyone: they take no input. */
const OPEN_ROUTES = [
  'GET /healthz',
  'GET /readyz',
  'GET /metrics',
  'GET /openapi.json',
  'GET /.well-known/jwks.json',
]

const everyone = {
  userId: randomUUID(),
  roles: ['BUYER', 'SELLER', 'ADMIN'] as const,
  sellerId: randomUUID(),
}

interface Case {
  name: string
  payload?: string
  contentType?: string
  query?: string
  params?: 'bad' | 'too-long'
  codes: string[]
}

function methods(route: RouteOptions): string[] {
  return [route.method].flat().filter((m) => m !== 'HEAD')
}

function casesFor(route: RouteOptions): Case[] {
  const schema = route.schema as
    { body?: z.ZodType; querystring?: z.ZodObject; params?: z.ZodObject } | undefined
  const cases: Case[] = []
  if (schema?.body) {
    const shape =
      schema.body instanceof z.ZodObject ? Object.keys(schema.body.shape) : ['refreshToken', 'allDevices']
    cases.push(
      {
        name: 'wrong types',
        payload: JSON.stringify(Object.fromEntries(shape.map((k) => [k, { not: ['this'] }]))),
        codes: ['VALIDATION_FAILED'],
      },
      { name: 'an array body', payload: '[1,2,3]', codes: ['VALIDATION_FAILED'] },
      { name: 'unknown fields', payload: JSON.stringify({ isAdmin: true }), codes: ['VALIDATION_FAILED'] },
      { name: 'bad JSON', payload: '{"email": ', codes: ['MALFORMED_JSON'] },
      { name: 'an empty body', payload: '', codes: ['MALFORMED_JSON'] },
      {
        name: 'a huge body',
        payload: JSON.stringify({ name: 'x'.repeat(64 * 1024) }),
        codes: ['PAYLOAD_TOO_LARGE'],
      },
      {
        name: 'a form body',
        payload: 'email=a',
        contentType: 'application/x-www-form-urlencoded',
        codes: ['UNSUPPORTED_MEDIA_TYPE'],
      },
    )
    if (!schema.body.safeParse({}).success)
      cases.push({ name: 'missing fields', payload: '{}', codes: ['VALIDATION_FAILED'] })
  }
  if (schema?.querystring) {
    const keys = Object.keys(schema.querystring.shape)
    cases.push({
      name: 'bad query values',
      query: keys.map((k) => `${k}=${'%00'.repeat(200)}`).join('&'),
      codes: ['VALIDATION_FAILED'],
    })
    if (!schema.querystring.safeParse({}).success)
      cases.push({ name: 'a missing query', query: '', codes: ['VALIDATION_FAILED'] })
  }
  if (schema?.params) {
    cases.push({ name: 'bad path parameters', params: 'bad', codes: ['VALIDATION_FAILED'] })
    cases.push({ name: 'an over-long path parameter', params: 'too-long', codes: ['PARAMETER_TOO_LONG'] })
  }
  return cases
}

const PARAMETER = { good: () => randomUUID(), bad: () => 'not%20an%20id!', 'too-long': () => 'x'.repeat(500) }

function urlFor(route: RouteOptions, params: keyof typeof PARAMETER, query?: string) {
  const path = route.url.replace(/:([A-Za-z]+)/g, PARAMETER[params])
  return query === undefined ? path : `${path}?${query}`
}

describe('bad input on every route', () => {
  let t: TestAuthApp
  before(async () => {
    t = await startTestAuthApp()
  })
  after(() => t.close())

  test('the app registered the routes this table walks', () => {
    const names = t.routes.flatMap((r) => methods(r).map((m) => `${m} ${r.url}`))
    for (const expected of [
      'POST /signup',
      'POST /login',
      'POST /refresh',
      'POST /logout',
      'GET /me',
      'PATCH /me/addresses/:id',
      'POST /api-keys',
      'POST /internal/api-keys/introspect',
    ])
      assert.ok(names.includes(expected), expected)
  })

  test('the OpenAPI document describes every route of the service', async () => {
    const paths = Object.keys((await t.app.inject('/openapi.json')).json().paths)
    for (const route of t.routes) {
      const path = route.url.replace(/:([A-Za-z]+)/g, '{$1}')
      if (!OPEN_ROUTES.some((r) => r.endsWith(` ${route.url}`)) || route.url.includes('jwks'))
        assert.ok(paths.includes(path), path)
    }
  })

  test('every route except the open ones refuses a request without the gateway signature', async () => {
    for (const route of t.routes)
      for (const method of methods(route)) {
        const name = `${method} ${route.url}`
        const res = await t.app.inject({
          method: method as 'GET',
          url: urlFor(route, 'good'),
          payload: method === 'GET' || method === 'DELETE' ? undefined : {},
        })
        if (OPEN_ROUTES.includes(name)) assert.notEqual(res.statusCode, 401, name)
        else {
          assert.equal(res.statusCode, 401, name)
          assert.equal(res.json().code, 'UNAUTHENTICATED', name)
        }
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
              ...gatewayHeaders({ ...everyone, roles: [...everyone.roles] }),
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
    assert.ok(checked > 60, `checked ${checked} cases`)
  })
})
