import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import {
  dealScheduledV1,
  dealSuspendedV1,
  dealUpdatedV1,
  productLikedV1,
  productUnlikedV1,
} from '@deals/contracts'
import { waitUntil } from '@deals/messaging/testing'
import { sql, startTestNotificationApp, type TestNotificationApp } from '../support/test-notification-app.ts'
import { dealSnapshot, inSeconds, processed } from '../support/events.ts'

// Leads of 4 s and 2 s stand for 24 h and 1 h.
const LEADS = [4, 2]
// Generous: the machine is shared; what matters is never early, and on time to the second.
const LATE_BOUND_MS = 3_000

describe('reminders of a liked deal’s opening', () => {
  let t: TestNotificationApp
  before(async () => {
    t = await startTestNotificationApp({ REMINDER_LEADS_SECONDS: LEADS.join(',') })
  })
  after(() => t.close())

  async function like(userId: string, productId: string, liked = true) {
    const name = liked ? productLikedV1.name : productUnlikedV1.name
    await processed(t, (await t.publish({ name, payload: { userId, productId } })).id)
  }

  const remindersOf = (userId: string) =>
    sql<{ created_at: Date; data: { dealId: string; startsAt: string; leadSeconds: number } }>(
      t,
      `SELECT created_at, data FROM notifications WHERE user_id = $1 AND kind = 'DEAL_REMINDER' ORDER BY created_at`,
      [userId],
    )

  test('each lead fires on its second, after a restart, to whoever likes the product then', async () => {
    const productId = randomUUID()
    const [fan, former, latecomer] = [randomUUID(), randomUUID(), randomUUID()]
    await like(fan, productId)
    await like(former, productId)
    // Far enough that the restart is over before the first reminder is fetched (2 s early).
    const deal = dealSnapshot({ productId, startsAt: inSeconds(10).toISOString() })
    await processed(t, (await t.publish({ name: dealScheduledV1.name, payload: deal })).id)

    await t.restart()
    await like(former, productId, false)
    await like(latecomer, productId)

    const startsAt = new Date(deal.startsAt).getTime()
    await waitUntil(async () => (await remindersOf(fan)).length === 2, { timeoutMs: 14_000 })
    const reminders = await remindersOf(fan)
    for (const [i, lead] of LEADS.entries()) {
      const due = startsAt - lead * 1000
      const { created_at, data } = reminders[i]!
      assert.equal(data.leadSeconds, lead)
      assert.ok(created_at.getTime() >= due, `lead ${lead}: not before its time`)
      assert.ok(created_at.getTime() < due + LATE_BOUND_MS, `lead ${lead}: on time`)
    }
    assert.equal((await remindersOf(latecomer)).length, 2)
    assert.deepEqual(await remindersOf(former), [])
  })

  test('a deal moved to a later start is reminded of at the new times only', async () => {
    const productId = randomUUID()
    const fan = randomUUID()
    await like(fan, productId)
    const deal = dealSnapshot({ productId, version: 2, startsAt: inSeconds(5).toISOString() })
    await processed(t, (await t.publish({ name: dealScheduledV1.name, payload: deal })).id)
    const moved = { ...deal, version: 3, startsAt: inSeconds(9).toISOString() }
    await processed(t, (await t.publish({ name: dealUpdatedV1.name, payload: moved })).id)
    // A stale snapshot arriving late changes nothing.
    await processed(t, (await t.publish({ name: dealUpdatedV1.name, payload: deal })).id)

    await waitUntil(async () => (await remindersOf(fan)).length === 2, { timeoutMs: 12_000 })
    const reminders = await remindersOf(fan)
    assert.deepEqual(
      reminders.map((r) => r.data.startsAt),
      [moved.startsAt, moved.startsAt],
    )
    const firstDue = new Date(moved.startsAt).getTime() - LEADS[0]! * 1000
    assert.ok(reminders[0]!.created_at.getTime() >= firstDue, 'none at the old times')
    const kept = await sql(t, 'SELECT version FROM reminder_deals WHERE deal_id = $1', [deal.dealId])
    assert.deepEqual(kept, [{ version: 3 }])
  })

  test('a suspended deal reminds no one', async () => {
    const productId = randomUUID()
    const fan = randomUUID()
    await like(fan, productId)
    const deal = dealSnapshot({ productId, version: 2, startsAt: inSeconds(6).toISOString() })
    await processed(t, (await t.publish({ name: dealScheduledV1.name, payload: deal })).id)
    const suspended = { ...deal, version: 3, status: 'SUSPENDED' as const }
    await processed(t, (await t.publish({ name: dealSuspendedV1.name, payload: suspended })).id)

    // Both reminder times pass; their jobs ran and found the deal changed.
    await new Promise((resolve) => setTimeout(resolve, new Date(deal.startsAt).getTime() - Date.now() + 500))
    assert.deepEqual(await remindersOf(fan), [])
  })
})
