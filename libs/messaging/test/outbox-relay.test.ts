import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import type pg from 'pg'
import type { ChannelModel } from 'amqplib'
import { ROOT_CONTEXT, TraceFlags, context, propagation, trace } from '@opentelemetry/api'
import { W3CTraceContextPropagator } from '@opentelemetry/core'
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks'
import { enqueue, OutboxRelay, type AmqpConnection } from '../src/index.ts'
import { collectMessages, waitUntil } from '../src/testing/index.ts'
import { createMessagingEnv, type MessagingEnv } from './support/messaging-env.ts'
import { UNPUBLISHED_BATCH } from '../src/outbox-relay.ts'

// What a service's OpenTelemetry SDK would install; without it trace propagation is a no-op.
context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable())
propagation.setGlobalPropagator(new W3CTraceContextPropagator())

describe('outbox relay', () => {
  let env: MessagingEnv
  let connection: AmqpConnection

  before(async () => {
    env = await createMessagingEnv('relay')
    connection = await env.connect()
  })
  after(() => env.cleanup())

  async function unpublished(): Promise<number> {
    return env.prisma.outboxMessage.count({ where: { publishedAt: null } })
  }

  test('an event enqueued in a rolled-back transaction is never published; a committed one is, with its id and trace headers', async () => {
    const collector = await collectMessages(connection, 'order.*.v1')
    const relay = new OutboxRelay({ connection, pool: env.pool(), producer: 'order', pollIntervalMs: 100 })
    try {
      await assert.rejects(
        env.prisma.$transaction(async (tx) => {
          await enqueue(tx, { name: 'order.cancelled.v1', payload: { orderId: 'rolled-back' } })
          throw new Error('the state change failed')
        }),
        /the state change failed/,
      )
      const traceId = '4bf92f3577b34da6a3ce929d0e0e4736'
      const spanId = '00f067aa0ba902b7'
      const requestContext = trace.setSpanContext(ROOT_CONTEXT, {
        traceId,
        spanId,
        traceFlags: TraceFlags.SAMPLED,
      })
      const id = await context.with(requestContext, () =>
        env.prisma.$transaction((tx) =>
          enqueue(tx, { name: 'order.placed.v1', payload: { orderId: 'committed' } }),
        ),
      )
      relay.start()
      await waitUntil(async () => (await unpublished()) === 0 && collector.messages.length > 0, {
        message: 'the committed event is published',
      })

      assert.equal(await env.prisma.outboxMessage.count(), 1, 'the rolled-back row never existed')
      assert.equal(collector.messages.length, 1)
      const [message] = collector.messages
      assert.equal(message?.routingKey, 'order.placed.v1')
      assert.equal(message?.messageId, id)
      assert.equal(message?.headers.traceparent, `00-${traceId}-${spanId}-01`)
      assert.equal(message?.raw.properties.deliveryMode, 2, 'persistent')
      assert.deepEqual(message?.body, {
        id,
        name: 'order.placed.v1',
        occurredAt: (
          await env.prisma.outboxMessage.findUniqueOrThrow({ where: { id } })
        ).createdAt.toISOString(),
        producer: 'order',
        payload: { orderId: 'committed' },
      })
    } finally {
      await relay.stop()
      await collector.stop()
    }
  })

  test('a relay killed after publishing but before marking rows published is taken over, and the consumer applies each event once', async () => {
    const consumerName = 'relay-test.crash'
    const collector = await collectMessages(connection, 'stock.released.v1')
    const effects = await env.consumeIntoEffects(connection, consumerName, ['stock.released.v1'])
    const crashing = env.pool()
    failOnce(crashing, 'UPDATE outbox_messages SET published_at')
    const killed = new OutboxRelay({ connection, pool: crashing, producer: 'order' })
    const successor = new OutboxRelay({
      connection,
      pool: env.pool(),
      producer: 'order',
      pollIntervalMs: 100,
    })
    try {
      const ids = await env.prisma.$transaction(async (tx) => [
        await enqueue(tx, { name: 'stock.released.v1', payload: { n: 1 } }),
        await enqueue(tx, { name: 'stock.released.v1', payload: { n: 2 } }),
        await enqueue(tx, { name: 'stock.released.v1', payload: { n: 3 } }),
      ])
      await assert.rejects(killed.publishBatch(), /killed/)
      await waitUntil(() => collector.messages.length === 3, {
        message: 'the killed relay published its batch',
      })
      assert.equal(await unpublished(), 3, 'nothing was marked published')

      successor.start()
      await waitUntil(async () => (await unpublished()) === 0 && collector.messages.length === 6, {
        message: 'the successor republished',
      })
      for (const id of ids) assert.equal(collector.messages.filter((m) => m.messageId === id).length, 2)

      await waitUntil(async () => (await env.effectsOf(consumerName)).size === 3, {
        message: 'every event handled',
      })
      await waitUntil(async () => (await env.outcomes(consumerName)).duplicate === 3, {
        message: 'duplicates absorbed',
      })
      assert.deepEqual(await env.effectsOf(consumerName), new Map(ids.map((id) => [id, 1])))
    } finally {
      await successor.stop()
      await effects.stop()
      await collector.stop()
    }
  })

  test('an idle pool connection that dies (a PostgreSQL restart) is logged, not fatal to the process', async () => {
    const pool = env.pool()
    const warnings: string[] = []
    const logger = { warn: (_: object, msg: string) => void warnings.push(msg), error() {}, info() {} }
    new OutboxRelay({ connection, pool, producer: 'order', logger })
    assert.doesNotThrow(() =>
      pool.emit('error', new Error('terminating connection due to administrator command')),
    )
    assert.deepEqual(warnings, ['outbox pool lost an idle connection'])
  })

  test('a batch whose confirms never come is published again on a new channel once the broker timeout passes', async () => {
    const collector = await collectMessages(connection, 'order.expired.v1')
    const warnings: string[] = []
    const logger = {
      warn: (o: object, msg: string) =>
        void warnings.push(`${msg}: ${String((o as { err?: Error }).err?.message)}`),
      error() {},
      info() {},
    }
    const relay = new OutboxRelay({
      connection: withLostConfirmsOnFirstChannel(connection),
      pool: env.pool(),
      producer: 'order',
      pollIntervalMs: 50,
      brokerTimeoutMs: 300,
      logger,
    })
    try {
      const id = await env.prisma.$transaction((tx) =>
        enqueue(tx, { name: 'order.expired.v1', payload: { orderId: 'lost-confirm' } }),
      )
      relay.start()
      await waitUntil(async () => (await unpublished()) === 0, {
        timeoutMs: 10_000,
        message: 'the row is published on a new channel',
      })
      await waitUntil(async () => collector.messages.length >= 1, { message: 'the event is delivered' })
      // The first channel's publish reached the broker; only its confirm was lost: at least once.
      assert.ok(collector.messages.every((m) => m.messageId === id))
      assert.ok(
        warnings.some((w) => /waited 300 ms for publisher confirms/.test(w)),
        warnings.join('\n'),
      )
    } finally {
      await relay.stop()
      await collector.stop()
    }
  })

  test('a batch is read off the index, not by reading and sorting the whole table, even when the statistics predate the publishing', async () => {
    const pool = env.pool()
    // Statistics taken while 5,000 rows were unpublished, then every one published: what a busy
    // outbox looks like to the planner between two autoanalyze runs.
    await pool.query(
      `INSERT INTO outbox_messages (id, event_name, payload)
       SELECT gen_random_uuid(), 'order.placed.v1', '{}' FROM generate_series(1, 5000)`,
    )
    await pool.query('ANALYZE outbox_messages')
    await pool.query('UPDATE outbox_messages SET published_at = now() WHERE published_at IS NULL')
    await pool.query(
      `INSERT INTO outbox_messages (id, event_name, payload)
       SELECT gen_random_uuid(), 'order.placed.v1', '{}' FROM generate_series(1, 10)`,
    )
    const client = await pool.connect()
    try {
      await client.query('BEGIN')
      const plan = (await client.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${UNPUBLISHED_BATCH}`, [100])).rows
        .map((r) => r['QUERY PLAN'])
        .join('\n')
      assert.match(plan, /Index Scan using outbox_messages_published_at_created_at_idx/, plan)
      assert.doesNotMatch(plan, /Seq Scan|Sort/, plan)
      const batch = await client.query(UNPUBLISHED_BATCH, [100])
      assert.equal(batch.rowCount, 10, 'the unpublished rows, and only them')
      await client.query('ROLLBACK')
    } finally {
      client.release()
      await pool.query('DELETE FROM outbox_messages')
    }
  })

  test('published rows past their retention are deleted, oldest first and in chunks; recent and unpublished ones stay', async () => {
    const pool = env.pool()
    const insert = (count: number, publishedAgo: string | null) =>
      pool.query(
        `INSERT INTO outbox_messages (id, event_name, payload, published_at)
         SELECT gen_random_uuid(), 'order.placed.v1', '{}', ${publishedAgo === null ? 'NULL' : `now() - interval '${publishedAgo}'`}
         FROM generate_series(1, ${count})`,
      )
    try {
      await insert(5_003, '4 days')
      await insert(2, '1 hour')
      await insert(2, null)
      const relay = new OutboxRelay({ connection, pool, producer: 'order' })
      assert.equal(await relay.prunePublished(1), 5_000, 'one chunk when bounded to one')
      assert.equal(await relay.prunePublished(), 3, 'the rest')
      const { rows } = await pool.query<{ published: number; unpublished: number }>(
        `SELECT count(*) FILTER (WHERE published_at IS NOT NULL)::int AS published,
                count(*) FILTER (WHERE published_at IS NULL)::int AS unpublished FROM outbox_messages`,
      )
      assert.deepEqual(rows[0], { published: 2, unpublished: 2 })
    } finally {
      await pool.query('DELETE FROM outbox_messages')
    }
  })

  test('a running relay prunes on its own, every prune interval', async () => {
    const pool = env.pool()
    try {
      await pool.query(
        `INSERT INTO outbox_messages (id, event_name, payload, published_at)
         SELECT gen_random_uuid(), 'order.placed.v1', '{}', now() - interval '2 hours' FROM generate_series(1, 3)`,
      )
      const relay = new OutboxRelay({
        connection,
        pool,
        producer: 'order',
        pollIntervalMs: 50,
        retainPublishedMs: 3_600_000,
        pruneIntervalMs: 200,
      })
      relay.start()
      try {
        await waitUntil(async () => (await pool.query('SELECT 1 FROM outbox_messages')).rowCount === 0, {
          message: 'the rows published two hours ago are deleted',
        })
      } finally {
        await relay.stop()
      }
    } finally {
      await pool.query('DELETE FROM outbox_messages')
    }
  })

  test('a row committed while a batch is in flight is published after it, without waiting for the poll', async () => {
    const pool = env.pool()
    // The first batch that marks rows published is held there until the second row committed.
    let marking!: () => void
    const markingStarted = new Promise<void>((resolve) => (marking = resolve))
    let secondCommitted!: () => void
    const holdMark = new Promise<void>((resolve) => (secondCommitted = resolve))
    beforeFirst(pool, 'UPDATE outbox_messages SET published_at', async () => {
      marking()
      await holdMark
    })
    // Only a NOTIFY can wake it within the test: the poll is a minute away.
    const relay = new OutboxRelay({ connection, pool, producer: 'order', pollIntervalMs: 60_000 })
    try {
      relay.start()
      await env.prisma.$transaction((tx) => enqueue(tx, { name: 'order.placed.v1', payload: { n: 1 } }))
      await markingStarted
      await env.prisma.$transaction((tx) => enqueue(tx, { name: 'order.placed.v1', payload: { n: 2 } }))
      secondCommitted()
      await waitUntil(async () => (await unpublished()) === 0, {
        timeoutMs: 10_000,
        message: 'the row committed during the batch is published',
      })
    } finally {
      await relay.stop()
      await pool.query('DELETE FROM outbox_messages')
    }
  })

  test('two relays running concurrently on one outbox publish each row once', async () => {
    const collector = await collectMessages(connection, 'deal.opened.v1')
    const relays = [1, 2].map(
      () =>
        new OutboxRelay({
          connection,
          pool: env.pool(),
          producer: 'catalog',
          batchSize: 5,
          pollIntervalMs: 50,
        }),
    )
    try {
      for (const relay of relays) relay.start()
      const ids = (
        await Promise.all(
          Array.from({ length: 20 }, (_, t) =>
            env.prisma.$transaction(async (tx) => {
              const written: string[] = []
              for (let i = 0; i < 5; i++)
                written.push(await enqueue(tx, { name: 'deal.opened.v1', payload: { t, i } }))
              return written
            }),
          ),
        )
      ).flat()
      await waitUntil(async () => (await unpublished()) === 0 && collector.messages.length >= ids.length, {
        timeoutMs: 10_000,
        message: 'every row published',
      })
      // Confirms precede the mark, but deliveries to the collector may trail it slightly.
      await new Promise((resolve) => setTimeout(resolve, 300))
      assert.equal(collector.messages.length, ids.length)
      assert.deepEqual(new Set(collector.messages.map((m) => m.messageId)), new Set(ids))
    } finally {
      await Promise.all(relays.map((r) => r.stop()))
      await collector.stop()
    }
  })
})

/** Runs `hold` before the first query starting with `sql` on any client of `pool` goes out. */
function beforeFirst(pool: pg.Pool, sql: string, hold: () => Promise<void>): void {
  let held = false
  pool.on('connect', (client) => {
    const query = client.query.bind(client) as (...args: unknown[]) => Promise<unknown>
    Object.assign(client, {
      query: async (...args: unknown[]) => {
        if (!held && typeof args[0] === 'string' && args[0].startsWith(sql)) {
          held = true
          await hold()
        }
        return query(...args)
      },
    })
  })
}

/** Makes the first query starting with `sql` on any client of `pool` fail, as a process killed there would. */
function failOnce(pool: pg.Pool, sql: string): void {
  beforeFirst(pool, sql, () => Promise.reject(new Error('relay killed before marking the batch published')))
}

/**
 * The live connection, except that on the first confirm channel it opens the broker's confirms
 * never reach the waiter: what amqplib does to the waiters behind a message confirmed out of
 * order when the channel closes, which a real broker cannot be made to do on cue.
 */
function withLostConfirmsOnFirstChannel(connection: AmqpConnection): AmqpConnection {
  let first = true
  const models = new WeakMap<object, ChannelModel>()
  return {
    async ready(signal?: AbortSignal) {
      const model = await connection.ready(signal)
      let wrapped = models.get(model)
      if (!wrapped) {
        wrapped = Object.create(model, {
          createConfirmChannel: {
            value: async () => {
              const channel = await model.createConfirmChannel()
              if (first) {
                first = false
                channel.waitForConfirms = () => new Promise(() => {})
              }
              return channel
            },
          },
        }) as ChannelModel
        models.set(model, wrapped)
      }
      return wrapped
    },
  } as AmqpConnection
}
