// Walks every storefront route (stores, categories, products, likes, /me) and feeds it bad input:
// each answer must be a 4xx problem+json with a stable code, never a 500 and never a success.
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import type { RouteOptions } from 'fastify'
import type { z } from 'zod'
import { gatewayHeaders } from '@deals/service-kit/testing'
import { client, startTestCatalogApp, type TestCatalogApp } from '../support/test-catalog-app.ts'

const ROUTES = [
  'POST /stores',
  'GET /stores',
  'GET /stores/:id',
  'PATCH /stores/:id',
  'POST /stores/:id/follow',
  'DELETE /stores/:id/follow',
  'GET /me/following',
  'GET /categories',
  'POST /categories',
  'PATCH /categories/:id',
  'POST /products',
  'GET /products',
  'GET /products/:id',
  'PATCH /products/:id',
  'DELETE /products/:id',
  'POST /products/:id/like',
  'DELETE /products/:id/like',
  'GET /me/wishlist',
  'GET /me/keyword-alerts',
  'POST /me/keyword-alerts',
  'DELETE /me/keyword-alerts/:id',
]

const everyone = {
  userId: randomUUID(),
  roles: ['BUYER' as const, 'SELLER' as const, 'ADMIN' as const],
  sellerId: randomUUID(),
}

interface Case {
  name: string
  payload?: string
  query?: string
  params?: 'bad' | 'too-long'
  codes: string[]
}

const methods = (route: RouteOptions) => [route.method].flat().filter((m) => m !== 'HEAD')

function casesFor(route: RouteOptions): Case[] {
  const schema = route.schema as
    { body?: z.ZodObject; querystring?: z.ZodObject; params?: z.ZodObject } | undefined
  const cases: Case[] = []
  if (schema?.body) {
    const keys = Object.keys(schema.body.shape)
    cases.push(
      {
        name: 'wrong types',
        payload: JSON.stringify(Object.fromEntries(keys.map((k) => [k, { not: ['this'] }]))),
        codes: ['VALIDATION_FAILED'],
      },
      { name: 'an array body', payload: '[1,2,3]', codes: ['VALIDATION_FAILED'] },
      {
        name: 'unknown fields',
        payload: JSON.stringify({ sellerId: randomUUID() }),
        codes: ['VALIDATION_FAILED'],
      },
      {
        name: 'huge strings',
        payload: JSON.stringify(Object.fromEntries(keys.map((k) => [k, 'x'.repeat(6000)]))),
        codes: ['VALIDATION_FAILED'],
      },
      {
        name: 'NUL characters',
        payload: JSON.stringify(Object.fromEntries(keys.map((k) => [k, 'a\u0000b']))),
        codes: ['VALIDATION_FAILED'],
      },
      {
        name: 'negative numbers',
        payload: JSON.stringify(Object.fromEntries(keys.map((k) => [k, -1]))),
        codes: ['VALIDATION_FAILED'],
      },
      { name: 'bad JSON', payload: '{"name": ', codes: ['MALFORMED_JSON'] },
      {
        name: 'a body over the limit',
        payload: JSON.stringify({ name: 'x'.repeat(70 * 1024) }),
        codes: ['PAYLOAD_TOO_LARGE'],
      },
    )
  }
  if (schema?.querystring) {
    const keys = Object.keys(schema.querystring.shape)
    cases.push(
      {
        name: 'NUL in every query value',
        query: keys.map((k) => `${k}=${'%00'.repeat(200)}`).join('&'),
        codes: ['VALIDATION_FAILED'],
      },
      { name: 'a bad cursor', query: 'cursor=not-a-cursor', codes: ['INVALID_CURSOR'] },
      { name: 'a limit out of range', query: 'limit=1000', codes: ['VALIDATION_FAILED'] },
      { name: 'a negative limit', query: 'limit=-5', codes: ['VALIDATION_FAILED'] },
    )
  }
  if (schema?.params) {
    cases.push({ name: 'a non-uuid id', params: 'bad', codes: ['VALIDATION_FAILED'] })
    cases.push({ name: 'an over-long id', params: 'too-long', codes: ['PARAMETER_TOO_LONG'] })
  }
  return cases
}

const PARAMETER = { good: () => randomUUID(), bad: () => 'not%20an%20id!', 'too-long': () => 'x'.repeat(500) }

function urlFor(route: RouteOptions, params: keyof typeof PARAMETER, query?: string) {
  const path = route.url.replace(/:([A-Za-z]+)/g, PARAMETER[params])
  return query === undefined ? path : `${path}?${query}`
}

describe('bad input on every storefront route', () => {
  let t: TestCatalogApp
  let storefront: RouteOptions[]
  before(async () => {
    t = await startTestCatalogApp()
    // Other areas (images, deals) add routes under the same prefixes; they test their own.
    storefront = t.routes.filter((r) => methods(r).some((m) => ROUTES.includes(`${m} ${r.url}`)))
  })
  after(() => t.close())

  test('the app registered every storefront route, and the OpenAPI document describes them', async () => {
    const names = storefront.flatMap((r) => methods(r).map((m) => `${m} ${r.url}`))
    for (const expected of ROUTES) assert.ok(names.includes(expected), expected)
    const document = (await t.app.inject('/openapi.json')).json()
    for (const route of ROUTES) {
      const [method, url] = route.split(' ') as [string, string]
      const operation = document.paths[url.replace(/:([A-Za-z]+)/g, '{$1}')]?.[method.toLowerCase()]
      assert.ok(operation, `${route} is in the OpenAPI document`)
      assert.ok(operation.responses['400'], `${route} documents its 400`)
    }
  })

  test('every storefront route refuses a request without the gateway signature', async () => {
    for (const route of storefront)
      for (const method of methods(route)) {
        const res = await t.app.inject({ method: method as 'GET', url: urlFor(route, 'good') })
        assert.equal(res.statusCode, 401, `${method} ${route.url}`)
      }
  })

  test('every bad input gets a 4xx problem+json with the expected code', async () => {
    let checked = 0
    for (const route of storefront)
      for (const method of methods(route))
        for (const c of casesFor(route)) {
          const res = await t.app.inject({
            method: method as 'POST',
            url: urlFor(route, c.params ?? 'good', c.query),
            headers: {
              ...gatewayHeaders(everyone),
              ...(c.payload === undefined ? {} : { 'content-type': 'application/json' }),
            },
            ...(c.payload === undefined ? {} : { payload: c.payload }),
          })
          const label = `${method} ${route.url} with ${c.name}: ${res.statusCode} ${res.body.slice(0, 200)}`
          assert.ok(res.statusCode >= 400 && res.statusCode < 500, label)
          assert.match(String(res.headers['content-type']), /^application\/problem\+json/, label)
          assert.ok(c.codes.includes(res.json().code), label)
          checked++
        }
    assert.ok(checked > 80, `checked ${checked} cases`)
  })

  test('ids of objects that do not exist are 404 on every route that takes one', async () => {
    const call = client(t)
    for (const [method, url, body] of [
      ['GET', '/stores/:id', undefined],
      ['PATCH', '/stores/:id', { name: '가게' }],
      ['POST', '/stores/:id/follow', undefined],
      ['GET', '/products/:id', undefined],
      ['PATCH', '/products/:id', { price: 1 }],
      ['DELETE', '/products/:id', undefined],
      ['POST', '/products/:id/like', undefined],
      ['PATCH', '/categories/:id', { name: '분류' }],
      ['DELETE', '/me/keyword-alerts/:id', undefined],
    ] as const) {
      const res = await call(method, url.replace(':id', randomUUID()), { as: everyone, body })
      assert.equal(res.statusCode, 404, `${method} ${url}: ${res.body}`)
    }
  })
})
