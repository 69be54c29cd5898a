import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import {
  partyMemberRemovedV1,
  partyMessagePostedV1,
  partyPaidV1,
  userRegisteredV1,
  type Identity,
} from '@deals/contracts'
import { buyerIdentity } from '@deals/contracts/testing'
import { waitUntil } from '@deals/messaging/testing'
import {
  client,
  sql,
  startTestNotificationApp,
  type TestNotificationApp,
} from '../support/test-notification-app.ts'
import { CONSUMERS } from '../../src/plugins/event-consumers.ts'
import { deliveredTwice, notificationsOf, partyCreated, processed } from '../support/events.ts'

describe('share payments of a party become notifications, each once', () => {
  let t: TestNotificationApp
  before(async () => {
    t = await startTestNotificationApp()
  })
  after(() => t.close())

  /** A user with an address who chose to get party notifications by e-mail too. */
  async function mailedUser(email: string): Promise<Identity> {
    const user = buyerIdentity()
    const payload = { userId: user.userId, email, name: '테스터' }
    await processed(t, (await t.publish({ name: userRegisteredV1.name, payload })).id)
    const opted = await client(t)('PUT', '/preferences/PARTY', {
      as: user,
      body: { inApp: true, email: true },
    })
    assert.equal(opted.statusCode, 200)
    return user
  }

  const mailTo = (address: string, count: number) =>
    waitUntil(() => t.smtp.to(address).length >= count, { message: `${count} mails to ${address}` })

  /** A mail that should not come would have come before a later one that does. */
  const settle = () => new Promise((resolve) => setTimeout(resolve, 500))

  test('a paid party tells every member once, the leader what was released; a mail goes once to who opted in', async () => {
    const leader = randomUUID()
    const member = await mailedUser('paid@example.com')
    const other = randomUUID()
    const party = partyCreated({ leaderId: leader })
    const paid = partyPaidV1.payload.parse({
      partyId: party.partyId,
      title: party.title,
      leaderId: leader,
      memberIds: [leader, member.userId, other],
      roundId: randomUUID(),
      amount: 36_000,
    })

    const event = await deliveredTwice(t, CONSUMERS.parties, { name: partyPaidV1.name, payload: paid })

    const [toLeader, ...moreForLeader] = await notificationsOf(t, leader)
    assert.equal(moreForLeader.length, 0)
    assert.equal(toLeader!.kind, 'PARTY')
    assert.equal(toLeader!.title, `${party.title} is paid for`)
    assert.match(toLeader!.body, /36,000 won was released to you/)
    for (const userId of [member.userId, other]) {
      const notices = await notificationsOf(t, userId)
      assert.deepEqual(
        notices.map((n) => [n.title, n.body, n.source_event_id]),
        [[`${party.title} is paid for`, 'Every member paid their share: see you at the market.', event.id]],
      )
    }
    await mailTo('paid@example.com', 1)
    await settle()
    assert.deepEqual(
      t.smtp.to('paid@example.com').map((m) => m.subject),
      [`${party.title} is paid for`],
    )
  })

  test('a member removed for not paying is told why once, the leader that a place is free, and chat no longer reaches them', async () => {
    const leader = randomUUID()
    const removed = await mailedUser('removed@example.com')
    const party = partyCreated({ leaderId: leader })
    const ref = { partyId: party.partyId, title: party.title, leaderId: leader }
    // Members as the paid-out round before saw them, so the removal is what takes this one out.
    await processed(
      t,
      (
        await t.publish({
          name: partyPaidV1.name,
          payload: { ...ref, memberIds: [leader, removed.userId], roundId: randomUUID(), amount: 0 },
          occurredAt: new Date(Date.now() - 60_000),
        })
      ).id,
    )
    const before = (await notificationsOf(t, removed.userId)).length
    await mailTo('removed@example.com', 1)

    const removal = partyMemberRemovedV1.payload.parse({
      ...ref,
      userId: removed.userId,
      memberCount: 1,
      capacity: 4,
      reason: 'PAYMENT_FAILED',
    })
    const event = await deliveredTwice(t, CONSUMERS.parties, {
      name: partyMemberRemovedV1.name,
      payload: removal,
    })

    const toRemoved = (await notificationsOf(t, removed.userId)).slice(before)
    assert.deepEqual(
      toRemoved.map((n) => [n.kind, n.title, n.body, n.source_event_id]),
      [
        [
          'PARTY',
          `You were removed from ${party.title}`,
          'Your share could not be paid from your wallet, so your place was given up.',
          event.id,
        ],
      ],
    )
    const toLeader = (await notificationsOf(t, leader)).filter((n) => n.source_event_id === event.id)
    assert.deepEqual(
      toLeader.map((n) => [n.title, n.body]),
      [[`A member was removed from ${party.title}`, '1 of 4 places are taken.']],
    )
    await mailTo('removed@example.com', 2)
    await settle()
    assert.deepEqual(
      t.smtp.to('removed@example.com').map((m) => m.subject),
      [`${party.title} is paid for`, `You were removed from ${party.title}`],
    )

    assert.deepEqual(
      await sql(t, 'SELECT member FROM party_members WHERE party_id = $1 AND user_id = $2', [
        party.partyId,
        removed.userId,
      ]),
      [{ member: false }],
    )
    const chat = await t.publish({
      name: partyMessagePostedV1.name,
      payload: {
        partyId: party.partyId,
        messageId: randomUUID(),
        senderId: leader,
        sentAt: new Date().toISOString(),
        preview: '다음 주에 다시 모여요',
      },
    })
    await processed(t, chat.id)
    assert.equal(
      (await notificationsOf(t, removed.userId)).length,
      before + 1,
      'no chat for the removed member',
    )
  })
})
