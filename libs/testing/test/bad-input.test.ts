import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import Fastify, { type FastifyError, type FastifyReply, type RouteOptions } from 'fastify'
import { z } from 'zod'
import {
  assertProblem,
  badInputsFor,
  routeMethods,
  walkBadInput,
  walkWithoutCredentials,
  withIdempotencyKey,
  type WalkedRoute,
} from '../src/index.ts'

/** Fastify's client errors under the codes the services give them. */
const CODES: Record<string, string> = {
  FST_ERR_VALIDATION: 'VALIDATION_FAILED',
  FST_ERR_CTP_INVALID_JSON_BODY: 'MALFORMED_JSON',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'MALFORMED_JSON',
  FST_ERR_CTP_BODY_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_MAX_PARAM_LENGTH: 'PARAMETER_TOO_LONG',
}

function sendProblem(error: FastifyError, reply: FastifyReply) {
  const status = error.statusCode && error.statusCode < 500 ? error.statusCode : 500
  const code = status === 500 ? 'INTERNAL' : (CODES[error.code] ?? error.code)
  return reply.code(status).type('application/problem+json').send({ status, code })
}

class InvalidCursor extends Error {
  statusCode = 400
  code = 'INVALID_CURSOR'
}

const decode = (cursor: string): unknown => JSON.parse(Buffer.from(cursor, 'base64url').toString())

const thingsQuery = z.strictObject({
  cursor: z
    .string()
    .regex(/^[\w-]{1,200}$/)
    .optional(),
})
const thingBody = z.strictObject({ name: z.string().min(1).max(50), count: z.int().positive() })
const idParams = z.object({ id: z.uuid() })

/**
 * A tiny service shaped like ours: zod schemas, problem+json errors, a list with a cursor and a
 * write. Its faults on demand: `crashOnForgedCursor` leaves the cursor's decoding unguarded (a
 * forged one is a 500), `lenientBody` takes any object, `problems: false` answers
 * errors in Fastify's own JSON.
 */
async function tinyApp({ crashOnForgedCursor = false, lenientBody = false, problems = true } = {}) {
  const app = Fastify({
    bodyLimit: 4096,
    frameworkErrors: (error, _request, reply) => sendProblem(error, reply),
  })
  const routes: RouteOptions[] = []
  app.addHook('onRoute', (route) => void routes.push(route))
  app.setValidatorCompiler(({ schema }) => (data) => {
    const parsed = (schema as z.ZodType).safeParse(data)
    return parsed.success ? { value: parsed.data } : { error: new Error(parsed.error.message) }
  })
  if (problems) app.setErrorHandler((error: FastifyError, _request, reply) => sendProblem(error, reply))
  app.get('/things', { schema: { querystring: thingsQuery } }, async (request) => {
    const { cursor } = request.query as z.infer<typeof thingsQuery>
    if (cursor === undefined || crashOnForgedCursor) return { items: [], after: cursor && decode(cursor) }
    try {
      return { items: [], after: decode(cursor) }
    } catch {
      throw new InvalidCursor('The cursor is not valid for this list')
    }
  })
  const body = lenientBody ? z.record(z.string(), z.unknown()) : thingBody
  app.put('/things/:id', { schema: { params: idParams, body } }, async (_request, reply) =>
    reply.code(204).send(),
  )
  await app.ready()
  return { app, routes }
}

const route = (schema: WalkedRoute['schema'], method = 'POST'): WalkedRoute => ({
  method,
  url: '/x/:id',
  schema,
})
const names = (r: WalkedRoute) => badInputsFor(r).map((input) => input.name)

describe('walking every route with bad input', () => {
  test('a service that refuses every bad input with a problem passes, one request per input', async () => {
    const { app, routes } = await tinyApp()
    const expected = routes.flatMap((r) => routeMethods(r).flatMap(() => badInputsFor(r)))
    assert.equal(await walkBadInput(app, routes, { headers: {} }), expected.length)
    assert.ok(expected.length >= 12)
    await app.close()
  })

  test('a route that answers 500 to a forged cursor fails the walk, named with its input', async () => {
    const { app, routes } = await tinyApp({ crashOnForgedCursor: true })
    await assert.rejects(walkBadInput(app, routes, { headers: {} }), (error: Error) => {
      assert.match(error.message, /^1 of \d+ failed/)
      assert.match(error.message, /GET \/things with a forged cursor: 500/)
      return true
    })
    await app.close()
  })

  test('bad input that a route accepts fails the walk', async () => {
    const { app, routes } = await tinyApp({ lenientBody: true })
    await assert.rejects(
      walkBadInput(app, routes, { headers: {} }),
      /PUT \/things\/:id with wrong types: 204/,
    )
    await app.close()
  })

  test('a 4xx that is not problem+json fails the walk', async () => {
    const { app, routes } = await tinyApp({ problems: false })
    await assert.rejects(walkBadInput(app, routes, { headers: {} }), /PUT \/things\/:id with bad JSON: 400/)
    await app.close()
  })

  test('inputs come from the route’s schemas: fields, required parts, cursors and parameters', () => {
    assert.deepEqual(badInputsFor(route(undefined)), [])
    const union = z.union([
      z.strictObject({ refreshToken: z.string() }),
      z.strictObject({ allDevices: z.literal(true) }),
    ])
    const wrongTypes = badInputsFor(route({ body: union })).find((input) => input.name === 'wrong types')
    assert.deepEqual(Object.keys(JSON.parse(wrongTypes!.payload!)), ['refreshToken', 'allDevices'])

    assert.ok(names(route({ body: thingBody })).includes('missing fields'))
    assert.ok(!names(route({ body: thingBody.partial() })).includes('missing fields'))
    assert.ok(names(route({ querystring: z.object({ q: z.string() }) })).includes('a missing query'))
    assert.ok(!names(route({ querystring: thingsQuery })).includes('a missing query'))
    assert.deepEqual(names(route({ params: idParams })), [
      'bad path parameters',
      'an over-long path parameter',
    ])

    const near = z.object({ lat: z.coerce.number(), lng: z.coerce.number(), cursor: z.string().optional() })
    const [, , forged] = badInputsFor(route({ querystring: near }, 'GET'), { requiredQuery: 'lat=1&lng=2' })
    assert.deepEqual(forged, {
      name: 'a forged cursor',
      query: 'lat=1&lng=2&cursor=bm90LWpzb24',
      codes: ['INVALID_CURSOR'],
    })
    // A cursor the schema itself refuses (an id) is a validation failure, not a decoding one.
    const byId = badInputsFor(route({ querystring: z.object({ cursor: z.uuid().optional() }) }, 'GET'))
    assert.deepEqual(byId.at(-1)!.codes, ['VALIDATION_FAILED'])
  })

  test('an Idempotency-Key route sends a key with every input and tries the key itself', () => {
    const inputs = withIdempotencyKey(badInputsFor(route({ body: thingBody })), '{"name":"a","count":1}')
    const keys = new Set(inputs.map((input) => input.headers?.['idempotency-key']))
    assert.deepEqual(
      inputs.slice(-3).map((input) => input.name),
      ['no Idempotency-Key', 'a blank Idempotency-Key', 'an over-long Idempotency-Key'],
    )
    assert.equal(keys.size, 4, 'one good key shared by the body inputs, then none, blank, over-long')
  })
})

describe('walking every route without credentials', () => {
  async function guardedApp(forgetGuardOn?: string) {
    const app = Fastify()
    const routes: RouteOptions[] = []
    app.addHook('onRoute', (r) => void routes.push(r))
    app.addHook('onRequest', async (request, reply) => {
      const open = request.url === '/healthz' || request.url === forgetGuardOn
      if (!open && !request.headers['x-signed'])
        await reply.code(401).type('application/problem+json').send({ status: 401, code: 'UNAUTHENTICATED' })
    })
    app.get('/healthz', async () => ({ ok: true }))
    app.get('/me', async () => ({ me: true }))
    app.post('/orders', async () => ({ placed: true }))
    await app.ready()
    return { app, routes }
  }

  test('every guarded route answers 401 UNAUTHENTICATED and the open ones do not', async () => {
    const { app, routes } = await guardedApp()
    assert.equal(await walkWithoutCredentials(app, routes, { open: ['/healthz'] }), 3)
    await assert.rejects(walkWithoutCredentials(app, routes), /GET \/healthz without credentials: 200/)
    await app.close()
  })

  test('a route that forgot its guard fails the walk', async () => {
    const { app, routes } = await guardedApp('/orders')
    await assert.rejects(
      walkWithoutCredentials(app, routes, { open: ['/healthz'] }),
      /: 1 of 3 failed:\nPOST \/orders without credentials: 200/,
    )
    await app.close()
  })
})

describe('a problem answer', () => {
  const answer = (statusCode: number, body: object, contentType = 'application/problem+json') => ({
    statusCode,
    headers: { 'content-type': contentType },
    body: JSON.stringify(body),
    json: () => body,
  })

  test('is a 4xx problem+json with a code, and the code and status asked for', () => {
    assertProblem(answer(409, { code: 'SOLD_OUT' }))
    assertProblem(answer(409, { code: 'SOLD_OUT' }), { status: 409, codes: ['SOLD_OUT'] })
    assert.throws(() => assertProblem(answer(500, { code: 'INTERNAL' })), /500/)
    assert.throws(() => assertProblem(answer(400, { code: 'X' }, 'application/json')))
    assert.throws(() => assertProblem(answer(400, { title: 'no code' })))
    assert.throws(
      () => assertProblem(answer(400, { code: 'X' }), { codes: ['Y'] }, 'a label'),
      /: a label: 400/,
    )
    assert.throws(() => assertProblem(answer(400, { code: 'X' }), { status: 404 }))
  })
})
