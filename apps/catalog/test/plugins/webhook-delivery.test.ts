import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import type { DealSnapshot, Identity } from '@deals/contracts'
import { apiKeyIdentity, sellerIdentity } from '@deals/contracts/testing'
import { waitUntil } from '@deals/messaging/testing'
import { client, startTestCatalogApp, type TestCatalogApp } from '../support/test-catalog-app.ts'
import { publishEvent } from '../support/broker-events.ts'
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver.ts'

const SECRET = 'partner-signing-secret-1'

function dealSnapshot(sellerId: string, overrides: Partial<DealSnapshot> = {}): DealSnapshot {
  const startsAt = new Date(Date.now() + 60_000)
  return {
    dealId: randomUUID(),
    version: 3,
    status: 'OPEN',
    sellerId,
    storeId: randomUUID(),
    productId: randomUUID(),
    productName: 'Jeju tangerines 5 kg',
    categoryId: null,
    dealPrice: 9_900,
    regularPrice: 19_800,
    quantity: 100,
    perUserLimit: 2,
    startsAt: startsAt.toISOString(),
    endsAt: new Date(startsAt.getTime() + 3_600_000).toISOString(),
    queueRequired: false,
    ...overrides,
  }
}

interface Delivery {
  id: string
  eventId: string
  eventName: string
  status: string
  attempts: number
  lastStatusCode: number | null
  attemptLog: { attempt: number; statusCode: number | null; error: string | null; attemptedAt: string }[]
}

describe('webhook deliveries', () => {
  let t: TestCatalogApp
  let call: ReturnType<typeof client>
  const receivers: WebhookReceiver[] = []
  before(async () => {
    t = await startTestCatalogApp({ WEBHOOK_RETRY_BASE_MS: '200', WEBHOOK_MAX_ATTEMPTS: '3' })
    call = client(t)
  })
  after(async () => {
    await t.close()
    await Promise.all(receivers.map((r) => r.close()))
  })

  /** A seller with a live receiver and a webhook pointing at it. */
  async function partner(events = ['deal.opened.v1', 'order.paid.v1']) {
    const receiver = await startWebhookReceiver(SECRET)
    receivers.push(receiver)
    const seller = sellerIdentity()
    const key = apiKeyIdentity(seller, ['webhooks:manage'])
    const created = await call('POST', '/seller/v1/webhooks', {
      as: key,
      body: { url: receiver.url, secret: SECRET, events },
    })
    assert.equal(created.statusCode, 201, created.body)
    return { receiver, seller, key, webhookId: created.json().id as string }
  }

  const deliveries = async (key: Identity, webhookId: string): Promise<Delivery[]> => {
    const response = await call('GET', `/seller/v1/webhooks/${webhookId}/deliveries?limit=100`, { as: key })
    assert.equal(response.statusCode, 200, response.body)
    return response.json().items
  }

  const settled = (key: Identity, webhookId: string, count = 1) =>
    waitUntil(
      async () => {
        const items = await deliveries(key, webhookId)
        return items.length >= count && items.every((d) => d.status !== 'PENDING') ? items : undefined
      },
      { timeoutMs: 20_000, message: 'deliveries settled' },
    )

  test('a deal event reaches the seller’s receiver signed, with a fresh timestamp and the event id', async () => {
    const { receiver, seller, key, webhookId } = await partner()
    const snapshot = dealSnapshot(seller.sellerId!)
    const event = await publishEvent(t.app.catalogAmqp, { name: 'deal.opened.v1', payload: snapshot })

    const [delivery] = await settled(key, webhookId)
    assert.equal(delivery!.status, 'DELIVERED')
    assert.equal(receiver.received.length, 1)
    const [request] = receiver.received
    assert.deepEqual(request!.verification, {
      ok: true,
      id: event.id,
      timestamp: request!.verification.ok ? request!.verification.timestamp : 0,
    })
    assert.equal(request!.replayed, false)
    assert.equal(request!.headers['webhook-id'], event.id)
    assert.match(String(request!.headers['webhook-signature']), /^v1,[A-Za-z0-9+/]+=*$/)
    assert.deepEqual(request!.body.data, snapshot)
    assert.equal(request!.body.type, 'deal.opened.v1')
    assert.equal(request!.body.id, event.id)
    assert.equal(delivery!.eventId, event.id)
  })

  test('a receiver that fails twice gets the event on the third attempt, and the log shows all three', async () => {
    const { receiver, seller, key, webhookId } = await partner()
    receiver.script(500, 503)
    await publishEvent(t.app.catalogAmqp, { name: 'deal.opened.v1', payload: dealSnapshot(seller.sellerId!) })

    const [delivery] = await settled(key, webhookId)
    assert.equal(delivery!.status, 'DELIVERED')
    assert.equal(delivery!.attempts, 3)
    assert.deepEqual(
      delivery!.attemptLog.map((a) => [a.attempt, a.statusCode, a.error]),
      [
        [1, 500, 'HTTP 500'],
        [2, 503, 'HTTP 503'],
        [3, 200, null],
      ],
    )
    // Backoff: 200 ms before the 2nd attempt, 400 ms before the 3rd (at least).
    const at = delivery!.attemptLog.map((a) => Date.parse(a.attemptedAt))
    assert.ok(at[1]! - at[0]! >= 200 && at[2]! - at[1]! >= 400, `attempts at ${at.join(', ')}`)
    assert.equal(receiver.received.length, 3)
    assert.ok(receiver.received.every((r) => r.verification.ok))
    assert.equal(new Set(receiver.received.map((r) => r.headers['webhook-id'])).size, 1)
  })

  test('a receiver that always fails leaves the delivery FAILED after the configured attempts; redeliver sends it again', async () => {
    const { receiver, seller, key, webhookId } = await partner()
    receiver.always(500)
    await publishEvent(t.app.catalogAmqp, { name: 'deal.opened.v1', payload: dealSnapshot(seller.sellerId!) })

    const [failed] = await settled(key, webhookId)
    assert.equal(failed!.status, 'FAILED')
    assert.equal(failed!.attempts, 3)
    assert.equal(failed!.lastStatusCode, 500)
    assert.equal(receiver.received.length, 3)

    receiver.always(204)
    const redelivered = await call(
      'POST',
      `/seller/v1/webhooks/${webhookId}/deliveries/${failed!.id}/redeliver`,
      {
        as: key,
      },
    )
    assert.equal(redelivered.statusCode, 202, redelivered.body)
    assert.equal(redelivered.json().status, 'PENDING')
    const again = await call('POST', `/seller/v1/webhooks/${webhookId}/deliveries/${failed!.id}/redeliver`, {
      as: key,
    })
    assert.equal(again.statusCode, 409)
    assert.equal(again.json().code, 'DELIVERY_PENDING')

    const [delivered] = await settled(key, webhookId)
    assert.equal(delivered!.status, 'DELIVERED')
    assert.deepEqual(
      delivered!.attemptLog.map((a) => a.statusCode),
      [500, 500, 500, 204],
    )
  })

  test('the same broker message delivered twice makes one delivery', async () => {
    const { receiver, seller, key, webhookId } = await partner()
    const id = randomUUID()
    const payload = dealSnapshot(seller.sellerId!)
    await publishEvent(t.app.catalogAmqp, { id, name: 'deal.opened.v1', payload })
    await publishEvent(t.app.catalogAmqp, { id, name: 'deal.opened.v1', payload })

    await waitUntil(
      async () => {
        const metric = await t.app.metrics.getSingleMetric('messaging_consumer_messages_total')?.get()
        return metric?.values.some((v) => v.labels.outcome === 'duplicate' && v.value >= 1)
      },
      { timeoutMs: 10_000, message: 'the duplicate was seen' },
    )
    const items = await settled(key, webhookId)
    assert.equal(items.length, 1)
    assert.equal(receiver.received.length, 1)
  })

  test('an event reaches only the webhooks of its seller that subscribe to it', async () => {
    const a = await partner(['deal.opened.v1'])
    const b = await partner(['deal.opened.v1'])
    const aOrders = await call('POST', '/seller/v1/webhooks', {
      as: a.key,
      body: { url: a.receiver.url.replace('/deals', '/orders'), secret: SECRET, events: ['order.paid.v1'] },
    })
    await publishEvent(t.app.catalogAmqp, {
      name: 'deal.opened.v1',
      payload: dealSnapshot(a.seller.sellerId!),
    })

    // One transaction fans an event out to every webhook: once A's delivery exists, none other will.
    await settled(a.key, a.webhookId)
    await publishEvent(t.app.catalogAmqp, {
      name: 'deal.opened.v1',
      payload: dealSnapshot(b.seller.sellerId!),
    })
    await settled(b.key, b.webhookId)
    assert.equal(a.receiver.received.length, 1)
    assert.equal(b.receiver.received.length, 1)
    assert.equal(b.receiver.received[0]!.body.data.sellerId, b.seller.sellerId)
    assert.deepEqual(await deliveries(a.key, aOrders.json().id), [])
  })

  test('an order event passes on only the order fields partners are given, never the buyer', async () => {
    const { receiver, seller, key, webhookId } = await partner(['order.cancelled.v1'])
    const orderId = randomUUID()
    const buyerId = randomUUID()
    await publishEvent(t.app.catalogAmqp, {
      name: 'order.cancelled.v1',
      producer: 'order',
      payload: {
        orderId,
        userId: buyerId,
        sellerId: seller.sellerId,
        dealId: null,
        productId: randomUUID(),
        quantity: 2,
        amount: 19_800,
        reason: 'BUYER_CANCELLED',
        previousStatus: 'PAID',
        cancelledAt: new Date().toISOString(),
        shippingAddress: { line1: '서울특별시 중구 세종대로 110' },
      },
    })
    await settled(key, webhookId)
    const { data } = receiver.received[0]!.body
    assert.equal(data.orderId, orderId)
    assert.equal(data.amount, 19_800)
    assert.equal(data.dealId, null)
    assert.equal(data.reason, 'BUYER_CANCELLED')
    assert.ok(!JSON.stringify(data).includes(buyerId))
    assert.equal('shippingAddress' in data, false)
  })

  test('ping sends a webhook.ping to the webhook; the log pages with a cursor', async () => {
    const { receiver, key, webhookId } = await partner(['order.paid.v1'])
    for (let i = 0; i < 3; i++) {
      const ping = await call('POST', `/seller/v1/webhooks/${webhookId}/ping`, { as: key })
      assert.equal(ping.statusCode, 202, ping.body)
      assert.equal(ping.json().eventName, 'webhook.ping')
    }
    const all = await settled(key, webhookId, 3)
    assert.ok(all.every((d) => d.status === 'DELIVERED'))
    assert.equal(receiver.received.length, 3)
    assert.ok(receiver.received.every((r) => r.verification.ok && r.body.type === 'webhook.ping'))

    const first = await call('GET', `/seller/v1/webhooks/${webhookId}/deliveries?limit=2`, { as: key })
    const second = await call(
      'GET',
      `/seller/v1/webhooks/${webhookId}/deliveries?limit=2&cursor=${first.json().nextCursor}`,
      { as: key },
    )
    assert.equal(first.json().items.length, 2)
    assert.equal(second.json().items.length, 1)
    assert.equal(second.json().nextCursor, null)
    assert.deepEqual(
      [...first.json().items, ...second.json().items].map((d: Delivery) => d.id),
      all.map((d) => d.id),
    )

    await call('PATCH', `/seller/v1/webhooks/${webhookId}`, { as: key, body: { active: false } })
    const paused = await call('POST', `/seller/v1/webhooks/${webhookId}/ping`, { as: key })
    assert.equal(paused.statusCode, 409)
    assert.equal(paused.json().code, 'WEBHOOK_INACTIVE')
  })
})

describe('webhook deliveries across a restart', () => {
  let t: TestCatalogApp
  let receiver: WebhookReceiver
  before(async () => {
    t = await startTestCatalogApp({ WEBHOOK_RETRY_BASE_MS: '3000', WEBHOOK_MAX_ATTEMPTS: '3' })
    receiver = await startWebhookReceiver(SECRET)
  })
  after(async () => {
    await t.close()
    await receiver.close()
  })

  test('a retry scheduled before the restart is made by the restarted service', async () => {
    const seller = sellerIdentity()
    const key = apiKeyIdentity(seller, ['webhooks:manage'])
    const call = () => client(t)
    const created = await call()('POST', '/seller/v1/webhooks', {
      as: key,
      body: { url: receiver.url, secret: SECRET, events: ['deal.ended.v1'] },
    })
    const webhookId = created.json().id
    receiver.script(502)
    await publishEvent(t.app.catalogAmqp, { name: 'deal.ended.v1', payload: dealSnapshot(seller.sellerId!) })
    await waitUntil(() => receiver.received.length === 1, { timeoutMs: 20_000, message: 'first attempt' })

    const restartedAt = Date.now()
    await t.restart()
    const [delivery] = await waitUntil(
      async () => {
        const response = await call()('GET', `/seller/v1/webhooks/${webhookId}/deliveries`, { as: key })
        const items: Delivery[] = response.json().items
        return items[0]?.status === 'DELIVERED' ? items : undefined
      },
      { timeoutMs: 30_000, message: 'delivered after the restart' },
    )
    assert.deepEqual(
      delivery!.attemptLog.map((a) => a.statusCode),
      [502, 200],
    )
    assert.ok(Date.parse(delivery!.attemptLog[1]!.attemptedAt) >= restartedAt)
    assert.equal(receiver.received.length, 2)
  })
})
