import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { RowRetention } from '@deals/service-kit'
import { claimInboxMessage, inboxRetentionRule } from '../src/index.ts'
import { createMessagingEnv, type MessagingEnv } from './support/messaging-env.ts'

let env: MessagingEnv

before(async () => {
  env = await createMessagingEnv('msg_inbox_retention')
})

after(async () => {
  await env.cleanup()
})

test('the inbox rule prunes processed ids past the retention through a service’s Prisma client, by its index', async () => {
  await env.prisma.$executeRawUnsafe(
    `INSERT INTO inbox_messages (consumer, message_id, processed_at)
     SELECT 'billing', 'old-' || i, now() - interval '8 days' FROM generate_series(1, 300) i
     UNION ALL
     SELECT 'billing', 'recent-' || i, now() - interval '6 days' FROM generate_series(1, 20) i`,
  )
  const retention = new RowRetention({
    db: env.prisma,
    rules: [inboxRetentionRule(7 * 24)],
    intervalMs: 3_600_000,
    chunkSize: 100,
  })

  assert.deepEqual(await retention.sweep(), { deleted: { inbox_messages: 300 }, more: false })

  const left = await env.prisma.$queryRawUnsafe<{ message_id: string }[]>(
    'SELECT message_id FROM inbox_messages ORDER BY message_id',
  )
  assert.equal(left.length, 20)
  assert.ok(left.every((row) => row.message_id.startsWith('recent-')))
  // A redelivery inside the retention is still recognised; one of a pruned id would run again.
  await env.prisma.$transaction(async (tx) => {
    assert.equal(await claimInboxMessage(tx, 'billing', 'recent-1'), false)
    assert.equal(await claimInboxMessage(tx, 'billing', 'old-1'), true)
  })

  // The sweep's chunk is found through processed_at's index, not by reading the whole inbox.
  const plan = await env.prisma.$transaction(async (tx) => {
    await tx.$executeRawUnsafe('SET LOCAL enable_seqscan = off')
    return tx.$queryRawUnsafe<{ 'QUERY PLAN': string }[]>(
      `EXPLAIN SELECT ctid FROM inbox_messages WHERE processed_at < now() - interval '7 days'
       ORDER BY processed_at LIMIT 100`,
    )
  })
  assert.match(plan.map((row) => row['QUERY PLAN']).join('\n'), /inbox_messages_processed_at_idx/)
})
