import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { z } from 'zod'
import { consume, listParked, replayParked, type AmqpConnection } from '../src/index.ts'
import { waitUntil } from '../src/testing/index.ts'
import { createMessagingEnv, type MessagingEnv, type TestPublisher } from './support/messaging-env.ts'

const pointsAwarded = z.object({ payload: z.object({ points: z.number().int() }) })

describe('consumer', () => {
  let env: MessagingEnv
  let connection: AmqpConnection
  let publish: TestPublisher['publish']

  before(async () => {
    env = await createMessagingEnv('consumer')
    connection = await env.connect()
    ;({ publish } = await env.publisher(connection))
  })
  after(() => env.cleanup())

  test('every message delivered three times leaves exactly one effect in the database', async () => {
    const name = 'test.triplicates'
    const consumer = await env.consumeIntoEffects(connection, name, ['points.awarded.v1'], { prefetch: 20 })
    try {
      const ids = Array.from({ length: 5 }, () => randomUUID())
      for (let copy = 0; copy < 3; copy++) {
        for (const [i, id] of ids.entries())
          await publish('points.awarded.v1', { payload: { points: i } }, id)
      }
      await waitUntil(
        async () => {
          const outcomes = await env.outcomes(name)
          return (outcomes.handled ?? 0) + (outcomes.duplicate ?? 0) === 15
        },
        { message: 'all 15 deliveries processed' },
      )
      assert.deepEqual(await env.outcomes(name), { handled: 5, duplicate: 10 })
      assert.deepEqual(await env.effectsOf(name), new Map(ids.map((id) => [id, 1])))
      assert.equal(await env.prisma.inboxMessage.count({ where: { consumer: name } }), 5)
    } finally {
      await consumer.stop()
    }
  })

  test('a message whose handler always fails is parked after exactly maxAttempts tries with the delays between, and a replay after the fix succeeds', async () => {
    const name = 'test.always-failing'
    const delays = [60, 150]
    let healthy = false
    const attempts: { at: number; attempt: number; via: unknown }[] = []
    const consumer = await consume({
      connection,
      db: env.prisma,
      consumer: name,
      events: ['points.expired.v1'],
      schema: pointsAwarded,
      maxAttempts: 3,
      retryDelaysMs: delays,
      registry: env.registry,
      handler: async (message, tx) => {
        if (!healthy) {
          const death = message.headers['x-death'] as { queue?: string }[] | undefined
          attempts.push({ at: Date.now(), attempt: message.attempt, via: death?.[0]?.queue })
          throw new Error('downstream unavailable')
        }
        await env.recordEffect(name)(message, tx)
      },
    })
    try {
      const id = await publish('points.expired.v1', { payload: { points: 7 } })
      const [parked] = await waitUntil(
        async () => {
          const list = await listParked(connection, name)
          return list.length ? list : undefined
        },
        { message: 'the message reaches the parking queue' },
      )

      assert.deepEqual(
        attempts.map((a) => a.attempt),
        [1, 2, 3],
      )
      assert.deepEqual(
        attempts.map((a) => a.via),
        [undefined, `${name}.retry.60`, `${name}.retry.150`],
      )
      assert.ok(
        (attempts[1]?.at ?? 0) - (attempts[0]?.at ?? 0) >= delays[0]! - 10,
        'first retry waited its delay',
      )
      assert.ok(
        (attempts[2]?.at ?? 0) - (attempts[1]?.at ?? 0) >= delays[1]! - 10,
        'second retry waited its delay',
      )
      assert.equal(parked?.messageId, id)
      assert.equal(parked?.reason, 'failed')
      assert.equal(parked?.attempts, 3)
      assert.equal(parked?.lastError, 'downstream unavailable')
      assert.equal((await listParked(connection, name)).length, 1, 'listing leaves the message parked')
      assert.equal((await env.effectsOf(name)).size, 0)

      healthy = true
      assert.deepEqual(await replayParked(connection, name, { limit: 10 }), [id])
      await waitUntil(async () => (await env.effectsOf(name)).get(id) === 1, {
        message: 'the replayed message is handled',
      })
      assert.equal(attempts.length, 3, 'no further failing attempt')
      assert.deepEqual(await listParked(connection, name), [])
    } finally {
      await consumer.stop()
    }
  })

  test('a message that fails schema validation is parked at once, without retries', async () => {
    const name = 'test.invalid'
    let invocations = 0
    const consumer = await consume({
      connection,
      db: env.prisma,
      consumer: name,
      events: ['points.awarded.v1'],
      schema: pointsAwarded,
      maxAttempts: 5,
      retryDelaysMs: [50],
      registry: env.registry,
      handler: async () => {
        invocations++
      },
    })
    try {
      const wrongShape = await publish('points.awarded.v1', { payload: { points: 'many' } })
      const notJson = await publish('points.awarded.v1', 'not json at all')
      const parked = await waitUntil(
        async () => {
          const list = await listParked(connection, name)
          return list.length === 2 ? list : undefined
        },
        { message: 'both messages parked' },
      )
      assert.deepEqual(parked.map((p) => p.messageId).sort(), [wrongShape, notJson].sort())
      assert.ok(parked.every((p) => p.reason === 'invalid' && p.attempts === undefined))
      assert.equal(invocations, 0)
      assert.deepEqual(await env.outcomes(name), { invalid: 2 })
    } finally {
      await consumer.stop()
    }
  })
})
