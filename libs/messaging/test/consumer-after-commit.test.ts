// A handler's `afterCommit` work runs once its transaction has committed, and only then: not after
// a commit PostgreSQL refused (a deferred constraint), not after a rollback, not for a duplicate.
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { z } from 'zod'
import { consume, listParked, type AmqpConnection, type ConsumeOptions } from '../src/index.ts'
import { waitUntil } from '../src/testing/index.ts'
import { createMessagingEnv, type MessagingEnv, type TestPublisher } from './support/messaging-env.ts'

const anyPayload = z.object({ payload: z.unknown() })
/** What the handlers here use of the transaction: the effect table and raw SQL. */
type Tx = Pick<MessagingEnv['prisma'], 'effect' | '$executeRawUnsafe'>
type Options = ConsumeOptions<z.infer<typeof anyPayload>, Tx>

describe('consumer: work after the commit', () => {
  let env: MessagingEnv
  let connection: AmqpConnection
  let publisher: TestPublisher

  before(async () => {
    env = await createMessagingEnv('after-commit')
    connection = await env.connect()
    publisher = await env.publisher(connection)
    // Checked at COMMIT, not at the insert: the way to make a commit itself fail.
    await env.prisma.$executeRawUnsafe(
      `CREATE TABLE commit_checks (key text, CONSTRAINT commit_checks_key_unique UNIQUE (key) DEFERRABLE INITIALLY DEFERRED)`,
    )
  })
  after(() => env.cleanup())

  /** Publishes the event `<consumer>.v1` with an empty payload. */
  async function publish(consumer: string, messageId: string = randomUUID()): Promise<string> {
    return publisher.publish(`${consumer}.v1`, { payload: {} }, messageId)
  }

  /** Runs `scenario` with a consumer of `<consumer>.v1` whose work is `handler`, then stops it. */
  async function consuming(
    consumer: string,
    handler: Options['handler'],
    options: Partial<Options>,
    scenario: () => Promise<void>,
  ): Promise<void> {
    const running = await consume({
      connection,
      db: env.prisma,
      consumer,
      events: [`${consumer}.v1`],
      schema: anyPayload,
      registry: env.registry,
      handler,
      ...options,
    })
    try {
      await scenario()
    } finally {
      await running.stop()
    }
  }

  const processed = (name: string, count: number) =>
    waitUntil(
      async () => {
        const outcomes = await env.outcomes(name)
        return Object.values(outcomes).reduce((a, b) => a + b, 0) >= count
      },
      { message: `${count} deliveries of ${name} processed` },
    )

  test('a committed handler’s callback runs once and sees its effect committed; a duplicate runs none', async () => {
    const name = 'test.after-commit'
    const seen: { messageId: string; committedEffects: number }[] = []
    const pool = env.pool()
    const handler: Options['handler'] = async (message, tx, { afterCommit }) => {
      await env.recordEffect(name)(message, tx)
      afterCommit(async () => {
        // Another connection sees only committed rows.
        const { rows } = await pool.query<{ n: number }>(
          'SELECT count(*)::int AS n FROM effects WHERE consumer = $1 AND message_id = $2',
          [name, message.id],
        )
        seen.push({ messageId: message.id, committedEffects: rows[0]?.n ?? 0 })
      })
    }
    await consuming(name, handler, {}, async () => {
      const id = await publish(name)
      await publish(name, id)
      await processed(name, 2)
      assert.deepEqual(await env.outcomes(name), { handled: 1, duplicate: 1 })
      assert.deepEqual(seen, [{ messageId: id, committedEffects: 1 }])
    })
  })

  test('a commit that fails runs no callback; the retry that commits runs it once', async () => {
    const name = 'test.commit-fails'
    const handlerFinished: number[] = []
    const callbacksRun: number[] = []
    const handler: Options['handler'] = async (message, tx, { afterCommit }) => {
      await env.recordEffect(name)(message, tx)
      if (message.attempt === 1) {
        const key = `${message.id}:twice`
        await tx.$executeRawUnsafe('INSERT INTO commit_checks (key) VALUES ($1), ($1)', key)
      }
      afterCommit(() => void callbacksRun.push(message.attempt))
      handlerFinished.push(message.attempt)
    }
    await consuming(name, handler, { retryDelaysMs: [50] }, async () => {
      const id = await publish(name)
      await processed(name, 2)
      assert.deepEqual(handlerFinished, [1, 2], 'the first attempt’s handler returned; its commit failed')
      assert.deepEqual(await env.outcomes(name), { retried: 1, handled: 1 })
      assert.deepEqual(callbacksRun, [2])
      assert.deepEqual(await env.effectsOf(name), new Map([[id, 1]]))
    })
  })

  test('a handler that throws after asking for a callback rolls back and the callback never runs', async () => {
    const name = 'test.rolled-back'
    const callbacksRun: string[] = []
    const handler: Options['handler'] = async (message, tx, { afterCommit }) => {
      await env.recordEffect(name)(message, tx)
      afterCommit(() => void callbacksRun.push(message.id))
      throw new Error('refused after the effect')
    }
    await consuming(name, handler, { maxAttempts: 1 }, async () => {
      const id = await publish(name)
      await processed(name, 1)
      assert.deepEqual(await env.outcomes(name), { parked: 1 })
      assert.deepEqual(
        (await listParked(connection, name)).map((p) => p.messageId),
        [id],
      )
      assert.deepEqual(callbacksRun, [])
      assert.equal((await env.effectsOf(name)).size, 0)
    })
  })

  test('a failing callback is logged, leaves the message handled, and the next callbacks still run', async () => {
    const name = 'test.callback-fails'
    const logged: string[] = []
    const ran: string[] = []
    const handler: Options['handler'] = async (message, tx, { afterCommit }) => {
      await env.recordEffect(name)(message, tx)
      afterCommit(() => {
        throw new Error('metrics backend down')
      })
      afterCommit(() => void ran.push('second'))
    }
    const logger = { info() {}, warn() {}, error: (_obj: object, msg: string) => void logged.push(msg) }
    await consuming(name, handler, { logger }, async () => {
      const id = await publish(name)
      await processed(name, 1)
      assert.deepEqual(await env.outcomes(name), { handled: 1 })
      assert.deepEqual(ran, ['second'])
      assert.deepEqual(logged, ['after-commit work failed; the message stays handled'])
      assert.deepEqual(await env.effectsOf(name), new Map([[id, 1]]))
    })
  })
})
