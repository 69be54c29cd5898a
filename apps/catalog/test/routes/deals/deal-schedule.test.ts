import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import {
  dealCreatedV1,
  dealEndedV1,
  dealOpenedV1,
  dealScheduledV1,
  eventEnvelopeSchema,
  keywordAlertMatchedV1,
} from '@deals/contracts'
import { buyerIdentity, sellerIdentity } from '@deals/contracts/testing'
import { collectMessages, waitUntil } from '@deals/messaging/testing'
import { createServer } from '@deals/service-kit'
import { catalogApp, catalogServerOptions } from '../../../src/app.ts'
import { stepFrom } from '../../../src/domain/deals/deal-status.ts'
import { client, sql, startTestCatalogApp, type TestCatalogApp } from '../../support/test-catalog-app.ts'
import {
  bookDeal,
  createProduct,
  dealStatus,
  inSeconds,
  outboxEvents,
  sleepUntil,
  waitForStatus,
} from './deal-fixtures.ts'

// Generous: the machine is shared; what matters is never early, and on time to the second.
const LATE_BOUND_MS = 3_000

describe('a deal moves through its statuses at its times', () => {
  let t: TestCatalogApp
  const seller = sellerIdentity()

  before(async () => {
    t = await startTestCatalogApp()
  })
  after(() => t.close())

  test('announced at once, OPEN at startsAt and ENDED at endsAt, each with its event and version', async () => {
    const product = await createProduct(t, seller, { name: '성주 참외 5kg' })
    const broker = await collectMessages(t.app.catalogAmqp, 'deal.*.v1')
    try {
      const startsAt = inSeconds(4)
      const endsAt = inSeconds(6)
      const deal = await bookDeal(t, seller, product, startsAt, endsAt)
      await waitForStatus(t, deal.id, 'SCHEDULED', 3_000)

      await sleepUntil(new Date(startsAt.getTime() - 300))
      assert.notEqual(await dealStatus(t, deal.id), 'OPEN', 'not open before startsAt')
      await waitForStatus(t, deal.id, 'OPEN', LATE_BOUND_MS + 300)
      await waitForStatus(t, deal.id, 'ENDED', endsAt.getTime() - Date.now() + LATE_BOUND_MS)

      const events = await outboxEvents(t, deal.id)
      assert.deepEqual(
        events.map((e) => [e.event_name, e.payload.version, e.payload.status]),
        [
          ['deal.created.v1', 1, 'HIDDEN'],
          ['deal.scheduled.v1', 2, 'SCHEDULED'],
          ['deal.opened.v1', 3, 'OPEN'],
          ['deal.ended.v1', 4, 'ENDED'],
        ],
      )
      const contracts = [dealCreatedV1, dealScheduledV1, dealOpenedV1, dealEndedV1]
      events.forEach((e, i) => {
        const snapshot = contracts[i]!.payload.parse(e.payload)
        assert.equal(snapshot.dealId, deal.id)
        assert.equal(snapshot.productName, '성주 참외 5kg')
        assert.equal(snapshot.startsAt, startsAt.toISOString())
      })
      const opened = events.find((e) => e.event_name === 'deal.opened.v1')!
      const ended = events.find((e) => e.event_name === 'deal.ended.v1')!
      assert.ok(opened.created_at.getTime() >= startsAt.getTime(), 'opened no earlier than startsAt')
      assert.ok(opened.created_at.getTime() < startsAt.getTime() + LATE_BOUND_MS)
      assert.ok(ended.created_at.getTime() >= endsAt.getTime(), 'ended no earlier than endsAt')
      assert.ok(ended.created_at.getTime() < endsAt.getTime() + LATE_BOUND_MS)

      const published = await waitUntil(
        () =>
          broker.messages.find(
            (m) =>
              m.routingKey === 'deal.ended.v1' &&
              (m.body as { payload: { dealId: string } }).payload.dealId === deal.id,
          ),
        { timeoutMs: 5_000, message: 'deal.ended.v1 on the broker' },
      )
      const envelope = eventEnvelopeSchema.parse(published.body)
      assert.equal(envelope.producer, 'catalog')
      assert.equal(dealEndedV1.payload.parse(envelope.payload).version, 4)
    } finally {
      await broker.stop()
    }
  })

  test('survives a restart: booked, app restarted before the start, opens and ends on time', async () => {
    const product = await createProduct(t, seller)
    // Far enough ahead that the old instance closes before it would fetch the job (2 s early)
    // and the new one is up before the start, even on a busy machine.
    const startsAt = inSeconds(10)
    const endsAt = inSeconds(12)
    const deal = await bookDeal(t, seller, product, startsAt, endsAt)
    await t.restart()
    assert.ok(Date.now() < startsAt.getTime() - 500, 'the restart finished before the start')

    await sleepUntil(new Date(startsAt.getTime() - 300))
    assert.notEqual(await dealStatus(t, deal.id), 'OPEN')
    await waitForStatus(t, deal.id, 'OPEN', LATE_BOUND_MS + 300)
    const read = await client(t)('GET', `/deals/${deal.id}`, { as: buyerIdentity() })
    assert.equal(read.json().status, 'OPEN')
    await waitForStatus(t, deal.id, 'ENDED', endsAt.getTime() - Date.now() + LATE_BOUND_MS)

    const events = await outboxEvents(t, deal.id)
    assert.deepEqual(
      events.map((e) => e.event_name),
      ['deal.created.v1', 'deal.scheduled.v1', 'deal.opened.v1', 'deal.ended.v1'],
    )
    const opened = events.find((e) => e.event_name === 'deal.opened.v1')!
    assert.ok(opened.created_at.getTime() >= startsAt.getTime())
    assert.ok(opened.created_at.getTime() < startsAt.getTime() + LATE_BOUND_MS)
  })

  test('a stale job (the deal changed since it was scheduled) does nothing', async () => {
    const product = await createProduct(t, seller)
    const deal = await bookDeal(t, seller, product, inSeconds(3600), inSeconds(7200))
    await waitForStatus(t, deal.id, 'SCHEDULED', 3_000)
    const step = stepFrom('SCHEDULED')!
    assert.equal(await t.app.catalogDeals.schedule.advance(step, { dealId: deal.id, version: 1 }), false)
    assert.equal(await dealStatus(t, deal.id), 'SCHEDULED')
    // The current version does move it, once; the same job again is a no-op.
    assert.equal(await t.app.catalogDeals.schedule.advance(step, { dealId: deal.id, version: 2 }), true)
    assert.equal(await t.app.catalogDeals.schedule.advance(step, { dealId: deal.id, version: 2 }), false)
    const opened = (await outboxEvents(t, deal.id)).filter((e) => e.event_name === 'deal.opened.v1')
    assert.equal(opened.length, 1)
  })

  test('two app instances on one database open a deal once', async () => {
    const replica = createServer(catalogServerOptions(t.config))
    await replica.register(catalogApp, { config: t.config })
    await replica.ready()
    try {
      const deals = await Promise.all(
        [4, 4.2, 4.4].map(async (s) =>
          bookDeal(t, seller, await createProduct(t, seller), inSeconds(s), inSeconds(s + 1)),
        ),
      )
      for (const deal of deals) await waitForStatus(t, deal.id, 'ENDED', 8_000)
      for (const deal of deals) {
        const names = (await outboxEvents(t, deal.id)).map((e) => e.event_name)
        assert.deepEqual(names, ['deal.created.v1', 'deal.scheduled.v1', 'deal.opened.v1', 'deal.ended.v1'])
      }
    } finally {
      await replica.close()
    }
  })

  test('when announced, each buyer keyword contained in the product name gets keyword-alert.matched.v1', async () => {
    const alice = buyerIdentity()
    const bob = buyerIdentity()
    await sql(
      t,
      `INSERT INTO keyword_alerts (id, user_id, keyword, normalized) VALUES
        (gen_random_uuid(), $1, '한라봉', '한라봉'),
        (gen_random_uuid(), $2, 'JEJU', 'jeju'),
        (gen_random_uuid(), $2, '사과', '사과')`,
      [alice.userId, bob.userId],
    )
    const product = await createProduct(t, seller, { name: 'Jeju 한라봉 선물세트' })
    const deal = await bookDeal(t, seller, product, inSeconds(3600), inSeconds(7200))
    await waitForStatus(t, deal.id, 'SCHEDULED', 3_000)
    const rows = await sql<{ payload: unknown }>(
      t,
      `SELECT payload FROM outbox_messages
       WHERE event_name = 'keyword-alert.matched.v1' AND payload->'deal'->>'dealId' = $1`,
      [deal.id],
    )
    const matches = rows.map((r) => keywordAlertMatchedV1.payload.parse(r.payload))
    assert.deepEqual(
      matches.map((m) => [m.userId, m.keyword]).sort(),
      [
        [alice.userId, '한라봉'],
        [bob.userId, 'JEJU'],
      ].sort(),
    )
    for (const m of matches) assert.equal(m.deal.status, 'SCHEDULED')
  })
})
