// Walks the routes a Fastify app registered and feeds each one bad input built from its own zod
// schemas (bodies, path parameters, queries): every answer must be a 4xx problem+json whose `code`
// is one the case expects, never a 5xx and never a success.
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'

/** The part of a route (as Fastify's onRoute hook gives it) that the walker reads. */
export interface WalkedRoute {
  method: string | readonly string[]
  url: string
  schema?: { body?: unknown; querystring?: unknown; params?: unknown }
}

/** One bad request to one route, and the problem codes that are a right answer to it. */
export interface BadInput {
  /** Said in a failure: `POST /parties with a huge body`. */
  name: string
  /** The raw body; sent as `contentType`, JSON unless told. */
  payload?: string
  contentType?: string
  query?: string
  /** What goes in the route's path parameters instead of a well-formed id. */
  params?: 'bad' | 'too-long'
  headers?: Record<string, string>
  codes: readonly string[]
}

export interface InjectedResponse {
  statusCode: number
  headers: Record<string, unknown>
  body: string
  json(): unknown
}

interface InjectRequest {
  method: string
  url: string
  headers?: Record<string, string>
  payload?: string
}

/** A Fastify instance, or anything else that answers `inject`. */
export interface Injectable {
  inject(request: InjectRequest): PromiseLike<InjectedResponse>
}

/** What a zod schema offers the walker: parsing, and the fields of an object (or of a union's). */
interface Schema {
  safeParse(value: unknown): { success: boolean }
  shape?: Record<string, unknown>
  options?: readonly unknown[]
}

const isSchema = (value: unknown): value is Schema =>
  typeof (value as Schema | undefined)?.safeParse === 'function'

const fieldsOf = (schema: Schema): string[] => [
  ...new Set([
    ...Object.keys(schema.shape ?? {}),
    ...(schema.options ?? []).flatMap((option) => (isSchema(option) ? fieldsOf(option) : [])),
  ]),
]

const PARAMETER = { good: () => randomUUID(), bad: () => 'not%20an%20id!', 'too-long': () => 'x'.repeat(500) }

/** Well over any service's body limit. */
const HUGE = 1024 * 1024

/** The route's methods as the walker calls them (HEAD is Fastify's copy of GET). */
export const routeMethods = (route: WalkedRoute): string[] =>
  [route.method].flat().filter((method) => method !== 'HEAD')

/** `POST /parties`, one per method. */
export const routeNames = (routes: readonly WalkedRoute[]): string[] =>
  routes.flatMap((route) => routeMethods(route).map((method) => `${method} ${route.url}`))

/** Guards the walk itself: a route that was renamed or lost is not silently skipped. */
export function assertRoutesRegistered(routes: readonly WalkedRoute[], expected: readonly string[]) {
  const names = routeNames(routes)
  for (const name of expected) assert.ok(names.includes(name), `${name} is registered`)
}

/** The route's path with every parameter filled in (a fresh uuid unless told), and the query. */
export function routeUrl(route: WalkedRoute, params: keyof typeof PARAMETER = 'good', query?: string) {
  const path = route.url.replace(/:([A-Za-z]+)/g, PARAMETER[params])
  return query === undefined ? path : `${path}?${query}`
}

/** A JSON body that gives every field of the route's body (a union's too) the same value. */
export function bodyWithEveryField(route: WalkedRoute, value: unknown): string {
  const body = route.schema?.body
  const fields = isSchema(body) ? fieldsOf(body) : []
  return JSON.stringify(Object.fromEntries((fields.length ? fields : ['value']).map((f) => [f, value])))
}

export interface BadInputOptions {
  /** Query parameters a route needs before it reads its cursor, such as `lat=37.5&lng=126.9`. */
  requiredQuery?: string
}

/** The bad inputs every route with a body, a query or path parameters must refuse. */
export function badInputsFor(route: WalkedRoute, options: BadInputOptions = {}): BadInput[] {
  const { body, querystring, params } = route.schema ?? {}
  const invalid = (name: string, payload: string) => ({ name, payload, codes: ['VALIDATION_FAILED'] })
  const inputs: BadInput[] = []
  if (isSchema(body)) {
    inputs.push(
      invalid('wrong types', bodyWithEveryField(route, { not: ['this'] })),
      invalid('an array body', '[1,2,3]'),
      invalid('unknown fields', JSON.stringify({ isAdmin: true })),
      { name: 'bad JSON', payload: '{"name": ', codes: ['MALFORMED_JSON'] },
      { name: 'an empty body', payload: '', codes: ['MALFORMED_JSON'] },
      {
        name: 'a huge body',
        payload: JSON.stringify({ name: 'x'.repeat(HUGE) }),
        codes: ['PAYLOAD_TOO_LARGE'],
      },
      {
        name: 'a form body',
        payload: 'name=x',
        contentType: 'application/x-www-form-urlencoded',
        codes: ['UNSUPPORTED_MEDIA_TYPE'],
      },
    )
    if (!body.safeParse({}).success) inputs.push(invalid('missing fields', '{}'))
  }
  if (isSchema(querystring)) {
    const keys = fieldsOf(querystring)
    inputs.push({
      name: 'bad query values',
      query: keys.map((k) => `${k}=${'%00'.repeat(200)}`).join('&'),
      codes: ['VALIDATION_FAILED'],
    })
    if (!querystring.safeParse({}).success)
      inputs.push({ name: 'a missing query', query: '', codes: ['VALIDATION_FAILED'] })
    if (keys.includes('cursor')) {
      // base64url of `not-json`: a cursor the schema lets through must be refused when decoded.
      const query = [options.requiredQuery, 'cursor=bm90LWpzb24'].filter(Boolean).join('&')
      const passesSchema = querystring.safeParse(Object.fromEntries(new URLSearchParams(query))).success
      inputs.push({
        name: 'a forged cursor',
        query,
        codes: [passesSchema ? 'INVALID_CURSOR' : 'VALIDATION_FAILED'],
      })
    }
  }
  if (isSchema(params))
    inputs.push(
      { name: 'bad path parameters', params: 'bad', codes: ['VALIDATION_FAILED'] },
      { name: 'an over-long path parameter', params: 'too-long', codes: ['PARAMETER_TOO_LONG'] },
    )
  return inputs
}

/**
 * For a route that takes an Idempotency-Key: every input carries a good key (so that its body is
 * what gets refused), and the key itself is tried missing, blank and over-long on a valid body.
 */
export function withIdempotencyKey(inputs: readonly BadInput[], validPayload: string): BadInput[] {
  const key = { 'idempotency-key': randomUUID() }
  const badKey = (name: string, headers?: Record<string, string>) => ({
    name,
    payload: validPayload,
    headers,
    codes: ['VALIDATION_FAILED'],
  })
  return [
    ...inputs.map((input) => ({ ...input, headers: { ...input.headers, ...key } })),
    badKey('no Idempotency-Key'),
    badKey('a blank Idempotency-Key', { 'idempotency-key': ' ' }),
    badKey('an over-long Idempotency-Key', { 'idempotency-key': 'k'.repeat(300) }),
  ]
}

export interface ExpectedProblem {
  /** Any 4xx unless told. */
  status?: number
  /** Any non-empty code unless told. */
  codes?: readonly string[]
}

/** The answer is an RFC 9457 problem+json with a stable code: a client error, never a 5xx. */
export function assertProblem(
  response: InjectedResponse,
  expected: ExpectedProblem = {},
  label = 'the answer',
) {
  const { statusCode } = response
  const what = `${label}: ${statusCode} ${response.body.slice(0, 200)}`
  if (expected.status === undefined) assert.ok(statusCode >= 400 && statusCode < 500, what)
  else assert.equal(statusCode, expected.status, what)
  assert.match(String(response.headers['content-type']), /^application\/problem\+json/, what)
  const { code } = response.json() as { code?: unknown }
  assert.ok(typeof code === 'string' && code !== '', what)
  if (expected.codes) assert.ok(expected.codes.includes(code), what)
}

/** Runs every check, then fails once with all of them that failed, so one run shows every gap. */
async function checkAll(checks: (() => Promise<void>)[]): Promise<number> {
  const failures: string[] = []
  for (const check of checks)
    await check().catch((error: unknown) => {
      failures.push(error instanceof Error ? error.message : String(error))
    })
  assert.equal(failures.length, 0, `${failures.length} of ${checks.length} failed:\n${failures.join('\n')}`)
  return checks.length
}

export interface WalkOptions {
  /** A caller every guard lets through (signed, every role), so that the input is what gets refused. */
  headers: Record<string, string>
  /** The inputs one route must refuse; `badInputsFor` unless told. */
  inputsFor?: (route: WalkedRoute, method: string) => BadInput[]
}

/** Sends every route each of its bad inputs; answers the number of requests checked. */
export function walkBadInput(app: Injectable, routes: readonly WalkedRoute[], options: WalkOptions) {
  const { headers, inputsFor = (route: WalkedRoute) => badInputsFor(route) } = options
  return checkAll(
    routes.flatMap((route) =>
      routeMethods(route).flatMap((method) =>
        inputsFor(route, method).map((input) => async () => {
          const body = input.payload === undefined ? {} : { payload: input.payload }
          const contentType: Record<string, string> =
            input.payload === undefined ? {} : { 'content-type': input.contentType ?? 'application/json' }
          const response = await app.inject({
            method,
            url: routeUrl(route, input.params ?? 'good', input.query),
            headers: { ...headers, ...input.headers, ...contentType },
            ...body,
          })
          assertProblem(response, { codes: input.codes }, `${method} ${route.url} with ${input.name}`)
        }),
      ),
    ),
  )
}

const TAKES_BODY = ['POST', 'PUT', 'PATCH']

/**
 * Calls every route with a well-formed request and no credentials: each must answer 401
 * UNAUTHENTICATED, except the open ones (`open` holds path prefixes), which must not.
 * Answers the number of requests checked.
 */
export function walkWithoutCredentials(
  app: Injectable,
  routes: readonly WalkedRoute[],
  { open = [] }: { open?: readonly string[] } = {},
) {
  return checkAll(
    routes.flatMap((route) =>
      routeMethods(route).map((method) => async () => {
        const label = `${method} ${route.url} without credentials`
        const response = await app.inject({
          method,
          url: routeUrl(route),
          ...(TAKES_BODY.includes(method)
            ? { headers: { 'content-type': 'application/json' }, payload: '{}' }
            : {}),
        })
        if (open.some((prefix) => route.url.startsWith(prefix)))
          assert.notEqual(response.statusCode, 401, label)
        else assertProblem(response, { status: 401, codes: ['UNAUTHENTICATED'] }, label)
      }),
    ),
  )
}
