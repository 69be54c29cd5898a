import { describe, test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { createAdmissionVerifier } from '@deals/admission'
import { buyerIdentity } from '@deals/contracts/testing'
import { waitUntil } from '@deals/messaging/testing'
import { dealKeys } from '../../src/domain/waiting-room/queue-keys.ts'
import { client, startTestQueueApp, type TestQueueApp } from '../support/test-queue-app.ts'
import { admittedNow, busiestWindow, enterBuyers, sampleAdmissions } from '../support/buyers.ts'

const RATE = 5

describe('the admission loop', () => {
  let t: TestQueueApp
  let call: ReturnType<typeof client>
  before(async () => {
    t = await startTestQueueApp({
      ADMISSION_RATE_PER_SECOND: String(RATE),
      ENTRY_MAX_PER_IP_PER_MINUTE: '1000',
    })
    call = client(t)
  })
  after(() => t.close())

  /** An open deal, paused by a sold-out, with `count` buyers in line. */
  async function pausedDealWith(count: number) {
    const { dealId } = await t.deal()
    await t.opened(dealId)
    await t.stock(dealId, true)
    return { dealId, buyers: await enterBuyers(t, dealId, count) }
  }

  test(`lets in ${RATE} buyers per second, in line order`, async () => {
    const { dealId, buyers } = await pausedDealWith(40)
    await t.stock(dealId, false)
    const firstSeen = await sampleAdmissions(t, dealId, 3_000)

    // At most one second's worth at once (the bucket), then the rate; generous bounds for a busy machine.
    assert.ok(
      firstSeen.size >= RATE * 1.5 && firstSeen.size <= RATE * 4 + 1,
      `admitted ${firstSeen.size} in 3 s`,
    )
    assert.ok(
      busiestWindow(firstSeen, 1_000) <= RATE * 2 + 1,
      `busiest second ${busiestWindow(firstSeen, 1_000)}`,
    )
    const order = buyers.map((b) => b.userId)
    assert.deepEqual(
      new Set(firstSeen.keys()),
      new Set(order.slice(0, firstSeen.size)),
      'the first in line are let in first',
    )
  })

  test('an admitted buyer gets a token the order service accepts for that buyer and deal, the same one each time', async () => {
    const { dealId, buyers } = await pausedDealWith(1)
    const [buyer] = buyers
    await t.stock(dealId, false)
    const entry = await waitUntil(async () => {
      const res = await call('GET', `/deals/${dealId}/entries/me`, { as: buyer })
      return res.json().status === 'ADMITTED' && res.json()
    })
    assert.equal(entry.position, 0)
    const verifier = createAdmissionVerifier([t.config.ADMISSION_TOKEN_SECRET])
    const claims = await verifier.verify(entry.admissionToken, { userId: buyer!.userId, dealId })
    assert.equal(claims.expiresAt.toISOString(), entry.expiresAt)
    const ttl = (claims.expiresAt.getTime() - Date.now()) / 1000
    assert.ok(ttl > t.config.ADMISSION_TOKEN_TTL_SECONDS - 5 && ttl <= t.config.ADMISSION_TOKEN_TTL_SECONDS)
    await assert.rejects(verifier.verify(entry.admissionToken, { userId: randomUUID(), dealId }), {
      reason: 'WRONG_USER',
    })
    await assert.rejects(
      verifier.verify(entry.admissionToken, { userId: buyer!.userId, dealId: randomUUID() }),
      {
        reason: 'WRONG_DEAL',
      },
    )

    const again = await call('POST', `/deals/${dealId}/entries`, { as: buyer })
    assert.equal(again.json().status, 'ADMITTED')
    assert.equal(again.json().admissionToken, entry.admissionToken)
  })

  test('a sold-out stops admissions and tells the buyers; a restock resumes them', async () => {
    const { dealId, buyers } = await pausedDealWith(30)
    await t.stock(dealId, false)
    await waitUntil(async () => (await admittedNow(t, dealId)).length >= 2)
    await t.stock(dealId, true)
    const frozen = (await admittedNow(t, dealId)).length
    await new Promise((resolve) => setTimeout(resolve, 1_000))
    assert.equal((await admittedNow(t, dealId)).length, frozen, 'nobody is let in while sold out')
    const last = await call('GET', `/deals/${dealId}/entries/me`, { as: buyers.at(-1) })
    assert.equal(last.json().status, 'SOLD_OUT')
    assert.equal(last.json().position, 30 - frozen)
    assert.equal((await call('GET', `/deals/${dealId}/status`)).json().state, 'SOLD_OUT')

    await t.stock(dealId, false)
    await waitUntil(async () => (await admittedNow(t, dealId)).length > frozen, {
      message: 'admissions resumed',
    })
    assert.equal(
      (await call('GET', `/deals/${dealId}/entries/me`, { as: buyers.at(-1) })).json().status,
      'WAITING',
    )
  })

  test('two replicas admit each buyer once and keep the rate in total', async () => {
    const replica = await t.replica()
    const { dealId } = await pausedDealWith(40)
    await t.stock(dealId, false)
    const firstSeen = await sampleAdmissions(t, dealId, 2_500)
    await t.stock(dealId, true)

    const keys = dealKeys(dealId)
    const [admitted, tokens, total] = await Promise.all([
      t.redis.zcard(keys.admitted),
      t.redis.hgetall(keys.tokens),
      t.redis.hget(keys.state, 'admittedTotal'),
    ])
    assert.equal(Number(total), admitted, 'each admission counted once')
    assert.equal(Object.keys(tokens).length, admitted, 'one token per admitted buyer')
    assert.ok(admitted <= RATE * 3.5 + 1, `admitted ${admitted} in 2.5 s by both replicas`)
    assert.ok(busiestWindow(firstSeen, 1_000) <= RATE * 2 + 1)

    const holders = [t.app, replica].filter((app) => app.queueAdmissionLoop.leases.has(dealId))
    assert.equal(holders.length, 1, 'one replica runs the deal’s loop')
    const counted = await Promise.all(
      [t.app, replica].map(async (app) => {
        const metric = await app.metrics.getSingleMetric('queue_admitted_total')!.get()
        return metric.values.find((v) => v.labels.deal_id === dealId)?.value ?? 0
      }),
    )
    assert.equal(counted[0]! + counted[1]!, admitted)
    await replica.close()
  })

  test('a restart keeps the line: the same places after the process comes back', async () => {
    const { dealId, buyers } = await pausedDealWith(5)
    const before = await Promise.all(
      buyers.map(async (as) => (await call('GET', `/deals/${dealId}/entries/me`, { as })).json().position),
    )
    assert.deepEqual(before, [1, 2, 3, 4, 5])
    await t.restart()
    const after = await Promise.all(
      buyers.map(
        async (as) => (await client(t)('GET', `/deals/${dealId}/entries/me`, { as })).json().position,
      ),
    )
    assert.deepEqual(after, before)
    const newcomer = await client(t)('POST', `/deals/${dealId}/entries`, { as: buyerIdentity() })
    assert.equal(newcomer.json().position, 6)
  })

  test('the metrics show the line, the rate and the admissions', async () => {
    const { dealId } = await pausedDealWith(3)
    const res = await t.app.inject({ method: 'GET', url: '/metrics' })
    assert.match(res.body, new RegExp(`queue_waiting\\{[^}]*deal_id="${dealId}"[^}]*\\} 3\n`))
    assert.match(res.body, new RegExp(`queue_admission_rate\\{[^}]*deal_id="${dealId}"[^}]*\\} ${RATE}\n`))
    assert.match(res.body, /sse_connections\{service="queue"\} 0/)
  })
})
