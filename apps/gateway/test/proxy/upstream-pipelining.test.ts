// The forwarding pool with pipelining: many requests share few keep-alive connections to the
// upstream, several in flight on each, and every answer still goes back to the request it
// belongs to, with that request's identity.
import { describe, test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { startStack, type Stack } from '../support/stack.ts'
import { signToken } from '../support/tokens.ts'
import { bearer, call } from '../support/http.ts'

describe('pipelined upstream pool', () => {
  let stack: Stack
  before(async () => {
    stack = await startStack({ UPSTREAM_CONNECTIONS: '2', UPSTREAM_PIPELINING: '8' })
  })
  after(() => stack.close())

  test('200 concurrent buyers over 2 pipelined connections each get their own answer', async () => {
    const users = Array.from({ length: 200 }, () => randomUUID())
    const tokens = await Promise.all(users.map((sub) => signToken(stack.key, { sub })))
    const answers = await Promise.all(
      tokens.map((token, i) =>
        call(`${stack.gateway.url}/api/catalog/echo?n=${i}`, { headers: bearer(token) }),
      ),
    )
    answers.forEach((res, i) => {
      assert.equal(res.status, 200)
      assert.equal(res.body.url, `/echo?n=${i}`)
      assert.equal(res.body.headers['x-user-id'], users[i])
    })
  })
})
