import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { uniqueName } from '@deals/testing'
import { enqueue, OutboxRelay } from '../src/index.ts'
import { forceCloseConnection, waitUntil } from '../src/testing/index.ts'
import { createMessagingEnv, type MessagingEnv } from './support/messaging-env.ts'

let env: MessagingEnv

before(async () => {
  env = await createMessagingEnv('connection')
})
after(() => env.cleanup())

test('after the broker closes the connection, the relay and the consumer reconnect and a later event is still handled', async () => {
  const connectionName = uniqueName('svc')
  const connection = await env.connect(connectionName)
  const name = 'test.reconnect'
  const consumer = await env.consumeIntoEffects(connection, name, ['party.created.v1'])
  const relay = new OutboxRelay({ connection, pool: env.pool(), producer: 'party', pollIntervalMs: 100 })
  relay.start()
  try {
    const before = await env.prisma.$transaction((tx) =>
      enqueue(tx, { name: 'party.created.v1', payload: { partyId: 'p1' } }),
    )
    await waitUntil(async () => (await env.effectsOf(name)).has(before), {
      message: 'handled before the close',
    })
    const lost = connection.model

    assert.equal(await forceCloseConnection(connectionName), 1)
    await waitUntil(() => connection.model !== undefined && connection.model !== lost, {
      timeoutMs: 10_000,
      message: 'reconnected',
    })

    const afterClose = await env.prisma.$transaction((tx) =>
      enqueue(tx, { name: 'party.created.v1', payload: { partyId: 'p2' } }),
    )
    await waitUntil(async () => (await env.effectsOf(name)).has(afterClose), {
      timeoutMs: 10_000,
      message: 'handled after the reconnect',
    })
    assert.deepEqual(
      await env.effectsOf(name),
      new Map([
        [before, 1],
        [afterClose, 1],
      ]),
    )
  } finally {
    await relay.stop()
    await consumer.stop()
  }
})
