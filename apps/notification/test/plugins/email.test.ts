import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { keywordAlertMatchedV1, userRegisteredV1, type Identity } from '@deals/contracts'
import { buyerIdentity } from '@deals/contracts/testing'
import { waitUntil } from '@deals/messaging/testing'
import {
  client,
  startTestNotificationApp,
  type TestNotificationApp,
} from '../support/test-notification-app.ts'
import { dealSnapshot, notificationsOf, processed } from '../support/events.ts'

describe('e-mail copies go out only for the kinds a user opted into', () => {
  let t: TestNotificationApp
  before(async () => {
    t = await startTestNotificationApp()
  })
  after(() => t.close())

  async function register(as: Identity, email: string) {
    const payload = { userId: as.userId, email, name: '테스터' }
    await processed(t, (await t.publish({ name: userRegisteredV1.name, payload })).id)
  }

  const orderEvent = (as: Identity, name = 'order.shipped.v1') =>
    t.publish({ name, payload: { orderId: randomUUID(), userId: as.userId, productName: '참외' } })

  const keywordEvent = (as: Identity, keyword: string) =>
    t.publish({
      name: keywordAlertMatchedV1.name,
      payload: { userId: as.userId, alertId: randomUUID(), keyword, deal: dealSnapshot() },
    })

  const mailTo = (address: string, count: number) =>
    waitUntil(() => t.smtp.to(address).length >= count, { message: `${count} mails to ${address}` })

  /** A mail that should not come would have come before a later one that does. */
  const settle = () => new Promise((resolve) => setTimeout(resolve, 500))

  test('order status changes are e-mailed by default; keyword alerts only once opted in', async () => {
    const me = buyerIdentity()
    await register(me, 'me@example.com')
    await processed(t, (await keywordEvent(me, 'not mailed')).id)
    await processed(t, (await orderEvent(me)).id)
    await mailTo('me@example.com', 1)
    await settle()
    assert.deepEqual(
      t.smtp.to('me@example.com').map((m) => m.subject),
      ['Your order is on its way'],
    )

    const opted = await client(t)('PUT', '/preferences/KEYWORD_ALERT', {
      as: me,
      body: { inApp: true, email: true },
    })
    assert.equal(opted.statusCode, 200)
    await processed(t, (await keywordEvent(me, 'mailed')).id)
    await mailTo('me@example.com', 2)
    assert.match(t.smtp.to('me@example.com')[1]!.subject, /mailed/)
  })

  test('a kind switched off everywhere leaves neither a notification nor a mail', async () => {
    const me = buyerIdentity()
    await register(me, 'quiet@example.com')
    const off = await client(t)('PUT', '/preferences/ORDER_STATUS', {
      as: me,
      body: { inApp: false, email: false },
    })
    assert.equal(off.statusCode, 200)
    await processed(t, (await orderEvent(me)).id)
    const onlyMail = await client(t)('PUT', '/preferences/KEYWORD_ALERT', {
      as: me,
      body: { inApp: false, email: true },
    })
    assert.equal(onlyMail.statusCode, 200)
    await processed(t, (await keywordEvent(me, 'mail only')).id)
    await mailTo('quiet@example.com', 1)
    await settle()
    assert.deepEqual(
      t.smtp.to('quiet@example.com').map((m) => m.subject),
      ['“mail only”: 성주 참외 5kg'],
    )
    assert.deepEqual(await notificationsOf(t, me.userId), [])
  })

  test('a mail waits, retrying, for an address that arrives after the event', async () => {
    const me = buyerIdentity()
    await processed(t, (await orderEvent(me, 'order.placed.v1')).id)
    await new Promise((resolve) => setTimeout(resolve, 1_200))
    await register(me, 'late@example.com')
    await mailTo('late@example.com', 1)
    assert.equal(t.smtp.to('late@example.com')[0]!.subject, 'Order placed: waiting for payment')
  })
})
