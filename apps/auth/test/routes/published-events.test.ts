import { describe, test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { openAmqpConnection, type AmqpConnection } from '@deals/messaging'
import { collectMessages, waitUntil, type MessageCollector } from '@deals/messaging/testing'
import { startTestAuthApp, type TestAuthApp } from '../support/test-auth-app.ts'
import { signUpVerified } from '../support/accounts.ts'

describe('events the auth service publishes', () => {
  let t: TestAuthApp
  let connection: AmqpConnection
  let collector: MessageCollector
  before(async () => {
    t = await startTestAuthApp()
    connection = await openAmqpConnection({ url: t.vhost.url, name: 'auth-events-test' })
    collector = await collectMessages(connection, ['user.#', 'seller.#', 'api-key.#'])
  })
  after(async () => {
    await collector.stop()
    await connection.close()
    await t.close()
  })

  test('sign-up and verification reach the broker as versioned envelopes from the outbox', async () => {
    const { userId, email } = await signUpVerified(t)
    await waitUntil(
      () =>
        collector.messages.filter(
          (m) => (m.body as { payload?: { userId?: string } }).payload?.userId === userId,
        ).length >= 2,
    )
    const mine = collector.messages.filter(
      (m) => (m.body as { payload: { userId?: string } }).payload.userId === userId,
    )
    assert.deepEqual(mine.map((m) => m.routingKey).sort(), ['user.registered.v1', 'user.verified.v1'])
    const registered = mine.find((m) => m.routingKey === 'user.registered.v1')!.body as {
      producer: string
      payload: unknown
    }
    assert.equal(registered.producer, 'auth')
    assert.deepEqual(registered.payload, { userId, email, name: 'Test User' })
  })
})
