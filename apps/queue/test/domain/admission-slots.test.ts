import { describe, test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { waitUntil } from '@deals/messaging/testing'
import { dealKeys } from '../../src/domain/waiting-room/queue-keys.ts'
import { client, startTestQueueApp, type TestQueueApp } from '../support/test-queue-app.ts'
import { admittedNow, enterBuyers } from '../support/buyers.ts'

describe('admission slots', () => {
  let t: TestQueueApp
  let call: ReturnType<typeof client>
  before(async () => {
    // Two shoppers at a time; an admission lasts 2 s.
    t = await startTestQueueApp({
      MAX_ACTIVE_ADMISSIONS: '2',
      ADMISSION_TOKEN_TTL_SECONDS: '2',
      ADMISSION_RATE_PER_SECOND: '50',
      ENTRY_MAX_PER_IP_PER_MINUTE: '1000',
    })
    call = client(t)
  })
  after(() => t.close())

  test('no more buyers are admitted at once than the cap', async () => {
    const { dealId } = await t.deal()
    await t.opened(dealId)
    await enterBuyers(t, dealId, 6)
    await waitUntil(async () => (await admittedNow(t, dealId)).length === 2)
    await new Promise((resolve) => setTimeout(resolve, 500))
    assert.equal((await admittedNow(t, dealId)).length, 2)
    assert.equal((await call('GET', `/deals/${dealId}/status`)).json().activeAdmissions, 2)
  })

  test('an admitted buyer who leaves frees the slot for the next in line', async () => {
    const { dealId } = await t.deal()
    await t.opened(dealId)
    const [a, b, c] = await enterBuyers(t, dealId, 3)
    await waitUntil(async () => (await admittedNow(t, dealId)).length === 2)
    assert.equal((await call('GET', `/deals/${dealId}/entries/me`, { as: c })).json().position, 1)

    await call('DELETE', `/deals/${dealId}/entries/me`, { as: a })
    const third = await waitUntil(async () => {
      const res = await call('GET', `/deals/${dealId}/entries/me`, { as: c })
      return res.json().status === 'ADMITTED' && res.json()
    })
    assert.ok(third.admissionToken)
    assert.deepEqual((await admittedNow(t, dealId)).sort(), [b!.userId, c!.userId].sort())
    assert.equal((await call('GET', `/deals/${dealId}/entries/me`, { as: a })).statusCode, 404)
  })

  test('admissions that expire unused free their slots; the expired buyers are out of the room', async () => {
    const { dealId } = await t.deal()
    await t.opened(dealId)
    const [a, b, c, d] = await enterBuyers(t, dealId, 4)
    await waitUntil(async () => (await admittedNow(t, dealId)).length === 2)
    const firstTwo = await admittedNow(t, dealId)
    assert.deepEqual(firstTwo.sort(), [a!.userId, b!.userId].sort())

    await waitUntil(
      async () => (await admittedNow(t, dealId)).sort().join() === [c!.userId, d!.userId].sort().join(),
      { timeoutMs: 6_000, message: 'the next two admitted after the first two expired' },
    )
    const expired = await call('GET', `/deals/${dealId}/entries/me`, { as: a })
    assert.equal(expired.statusCode, 404)
    assert.equal(await t.redis.hget(dealKeys(dealId).tokens, a!.userId), null, 'the expired token is dropped')
    const back = await call('POST', `/deals/${dealId}/entries`, { as: a })
    assert.equal(back.json().status, 'WAITING', 'entering again puts an expired buyer at the back')
  })
})
