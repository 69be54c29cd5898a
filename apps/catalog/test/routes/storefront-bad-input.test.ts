// Walks every storefront route (stores, categories, products, likes, /me) and feeds it bad input:
// each answer must be a 4xx problem+json with a stable code, never a 500 and never a success.
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import type { RouteOptions } from 'fastify'
import {
  badInputsFor,
  bodyWithEveryField,
  routeNames,
  walkBadInput,
  walkWithoutCredentials,
  type BadInput,
  type WalkedRoute,
} from '@deals/testing'
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

/** Besides what every route refuses: a seller named by the body, and field values out of bounds. */
function inputsFor(route: WalkedRoute): BadInput[] {
  const inputs = badInputsFor(route)
  const invalid = { codes: ['VALIDATION_FAILED'] }
  if (route.schema?.body)
    inputs.push(
      { name: 'a seller of its own', payload: JSON.stringify({ sellerId: randomUUID() }), ...invalid },
      { name: 'huge strings', payload: bodyWithEveryField(route, 'x'.repeat(6000)), ...invalid },
      { name: 'NUL characters', payload: bodyWithEveryField(route, 'a\u0000b'), ...invalid },
      { name: 'negative numbers', payload: bodyWithEveryField(route, -1), ...invalid },
      {
        name: 'a body just over the limit',
        payload: JSON.stringify({ name: 'x'.repeat(70 * 1024) }),
        codes: ['PAYLOAD_TOO_LARGE'],
      },
    )
  if (route.schema?.querystring)
    inputs.push(
      { name: 'a bad cursor', query: 'cursor=not-a-cursor', codes: ['INVALID_CURSOR'] },
      { name: 'a limit out of range', query: 'limit=1000', ...invalid },
      { name: 'a negative limit', query: 'limit=-5', ...invalid },
    )
  return inputs
}

describe('bad input on every storefront route', () => {
  let t: TestCatalogApp
  let storefront: RouteOptions[]
  before(async () => {
    t = await startTestCatalogApp()
    // Other areas (images, deals) add routes under the same prefixes; they test their own.
    storefront = t.routes.filter((r) => routeNames([r]).some((name) => ROUTES.includes(name)))
  })
  after(() => t.close())

  test('the app registered every storefront route, and the OpenAPI document describes them', async () => {
    const names = routeNames(storefront)
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
    await walkWithoutCredentials(t.app, storefront)
  })

  test('every bad input gets a 4xx problem+json with the expected code', async () => {
    const checked = await walkBadInput(t.app, storefront, { headers: gatewayHeaders(everyone), inputsFor })
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
