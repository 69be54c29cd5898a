// Walks every route the party app registered (the chat's handshake included) and feeds it bad
// input: each answer must be a 4xx problem+json with a stable code, never a 500 and never a success.
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import type { RouteOptions } from 'fastify'
import { z } from 'zod'
import { gatewayHeaders } from '@deals/service-kit/testing'
import { startTestPartyApp, type TestPartyApp } from '../support/test-party-app.ts'

const OPERATIONAL = ['/healthz', '/readyz', '/metrics', '/openapi.json']

/** Holds every role, so that role guards pass and the input itself is what gets refused. */
const everyone = { userId: randomUUID(), roles: ['BUYER' as const, 'SELLER' as const, 'ADMIN' as const] }

interface Case {
  name: string
  payload?: string
  contentType?: string
  query?: string
  params?: 'bad' | 'too-long'
  codes: string[]
}

const PARAMETER = { good: () => randomUUID(), bad: () => 'not%20an%20id!', 'too-long': () => 'x'.repeat(500) }
const methods = (route: RouteOptions) => [route.method].flat().filter((m) => m !== 'HEAD')

function casesFor(route: RouteOptions): Case[] {
  const schema = route.schema as
    { body?: z.ZodType; querystring?: z.ZodObject; params?: z.ZodObject } | undefined
  const cases: Case[] = []
  if (schema?.body) {
    const fields = schema.body instanceof z.ZodObject ? Object.keys(schema.body.shape) : ['items']
    const json = (name: string, payload: string, codes = ['VALIDATION_FAILED']) => ({ name, payload, codes })
    cases.push(
      json('wrong types', JSON.stringify(Object.fromEntries(fields.map((k) => [k, { not: ['this'] }])))),
      json('an array body', '[1,2,3]'),
      json('unknown fields', JSON.stringify({ isAdmin: true })),
      json('missing fields', '{}'),
      json('bad JSON', '{"title": ', ['MALFORMED_JSON']),
      json('an empty body', '', ['MALFORMED_JSON']),
      json('a huge body', JSON.stringify({ title: 'x'.repeat(64 * 1024) }), ['PAYLOAD_TOO_LARGE']),
      {
        name: 'a form body',
        payload: 'a=b',
        contentType: 'application/x-www-form-urlencoded',
        codes: ['UNSUPPORTED_MEDIA_TYPE'],
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
      cases.push({
        name: 'a forged cursor',
        query: `lat=37.5&lng=126.9&cursor=bm90LWpzb24`,
        codes: ['INVALID_CURSOR'],
      })
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

describe('bad input on every party route', () => {
  let t: TestPartyApp
  before(async () => {
    t = await startTestPartyApp()
  })
  after(() => t.close())

  test('the app registered the routes this table walks', () => {
    const names = t.routes.flatMap((r) => methods(r).map((m) => `${m} ${r.url}`))
    for (const expected of [
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
      assert.ok(names.includes(expected), expected)
  })

  test('every route but the operational ones refuses a call without the gateway signature', async () => {
    for (const route of t.routes.filter((r) => !OPERATIONAL.some((o) => r.url.startsWith(o))))
      for (const method of methods(route)) {
        const res = await t.app.inject({ method: method as 'GET', url: urlFor(route, 'good') })
        assert.equal(res.statusCode, 401, `${method} ${route.url}`)
        assert.match(String(res.headers['content-type']), /^application\/problem\+json/)
      }
  })

  test('every bad input gets a 4xx problem+json with the expected code and writes nothing', async () => {
    let checked = 0
    for (const route of t.routes)
      for (const method of methods(route))
        for (const c of casesFor(route)) {
          const res = await t.app.inject({
            method: method as 'POST',
            url: urlFor(route, c.params ?? 'good', c.query),
            headers: {
              ...gatewayHeaders(everyone),
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
    assert.ok(checked >= 35, `checked ${checked} cases`)
    const written = await t.sql<{ n: number }>(
      `SELECT (SELECT count(*) FROM parties) + (SELECT count(*) FROM penalties) + (SELECT count(*) FROM outbox_messages) AS n`,
    )
    assert.equal(Number(written[0]!.n), 0)
  })
})
