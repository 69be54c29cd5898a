// The deal replica follows the catalog's deal events over RabbitMQ: a new deal gets its stock
// counters, a later version updates them, an older version is dropped, a redelivery is ignored.
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { DEFAULT_EXCHANGE, openAmqpConnection, type AmqpConnection } from '@deals/messaging'
import { waitUntil } from '@deals/messaging/testing'
import { dealCreatedV1, dealUpdatedV1, type DealSnapshot } from '@deals/contracts'
import { dealSnapshot, sql, startTestOrderApp, type TestOrderApp } from '../support/test-order-app.ts'

describe('deal events', () => {
  let t: TestOrderApp
  let amqp: AmqpConnection
  before(async () => {
    t = await startTestOrderApp({ LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent' })
    amqp = await openAmqpConnection({ url: t.vhost.url, name: 'catalog-double' })
  })
  after(async () => {
    await amqp.close()
    await t.close()
  })

  /** Publishes as the catalog's relay would: the envelope as body, the event name as routing key. */
  async function publish(name: string, deal: DealSnapshot, id: string = randomUUID()) {
    const channel = await (await amqp.ready()).createConfirmChannel()
    const envelope = { id, name, occurredAt: new Date().toISOString(), producer: 'catalog', payload: deal }
    channel.publish(DEFAULT_EXCHANGE, name, Buffer.from(JSON.stringify(envelope)), {
      messageId: id,
      type: name,
      persistent: true,
      contentType: 'application/json',
    })
    await channel.waitForConfirms()
    await channel.close()
  }

  const replicaVersion = async (dealId: string) =>
    (await sql<{ version: number }>(t, 'SELECT version FROM deals WHERE id = $1', [dealId]))[0]?.version

  test('a created deal gets counters; newer versions apply, older and repeated ones do not', async () => {
    const deal = dealSnapshot({ status: 'HIDDEN', quantity: 50 })
    await publish(dealCreatedV1.name, deal)
    await waitUntil(async () => (await replicaVersion(deal.dealId)) === 1, { timeoutMs: 20_000 })
    assert.deepEqual(await t.app.orderDomain.stock.levels(deal.dealId), {
      quantity: 50,
      remaining: 50,
      reserved: 0,
      sold: 0,
    })

    const update = { ...deal, version: 3, quantity: 80 }
    const updateId = randomUUID()
    await publish(dealUpdatedV1.name, update, updateId)
    await waitUntil(async () => (await replicaVersion(deal.dealId)) === 3, { timeoutMs: 20_000 })
    await publish(dealUpdatedV1.name, { ...deal, version: 2, quantity: 10 })
    await publish(dealUpdatedV1.name, { ...update, quantity: 999 }, updateId)
    const marker = dealSnapshot()
    await publish(dealCreatedV1.name, marker)
    await waitUntil(async () => (await replicaVersion(marker.dealId)) === 1, { timeoutMs: 20_000 })

    assert.equal(await replicaVersion(deal.dealId), 3)
    assert.equal((await t.app.orderDomain.stock.levels(deal.dealId))?.quantity, 80)
  })

  test('processed event ids are swept from the inbox once older than INBOX_RETENTION_HOURS', async () => {
    const [oldId, recentId] = [randomUUID(), randomUUID()]
    const [oldDeal, recentDeal] = [dealSnapshot(), dealSnapshot()]
    await publish(dealCreatedV1.name, oldDeal, oldId)
    await publish(dealCreatedV1.name, recentDeal, recentId)
    await waitUntil(async () => (await replicaVersion(recentDeal.dealId)) === 1, { timeoutMs: 20_000 })
    await waitUntil(async () => (await replicaVersion(oldDeal.dealId)) === 1, { timeoutMs: 20_000 })
    const hours = t.config.INBOX_RETENTION_HOURS
    await sql(
      t,
      `UPDATE inbox_messages SET processed_at = now() - make_interval(hours => $2) WHERE message_id = $1`,
      [oldId, hours + 1],
    )

    const { deleted } = await t.app.retention.sweep()

    assert.ok(deleted.inbox_messages! >= 1)
    const kept = await sql<{ message_id: string }>(
      t,
      'SELECT message_id FROM inbox_messages WHERE message_id = ANY($1::text[])',
      [[oldId, recentId]],
    )
    assert.deepEqual(
      kept.map((row) => row.message_id),
      [recentId],
    )
  })
})
