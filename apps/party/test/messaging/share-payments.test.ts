// Share payments of a filled party against a payment double in the test's vhost: every member
// pays -> the shares are released to the leader and the party is paid; a member who cannot pay is
// taken out, the others are refunded and the party opens again without them (and can fill and pay
// again); replies delivered twice have one effect; a charge answer arriving after its round was
// abandoned leaves the share refunded; leaving or cancelling a paid party is refused.
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { buyerIdentity } from '@deals/contracts/testing'
import type { Identity } from '@deals/contracts'
import { waitUntil } from '@deals/messaging/testing'
import { client, startTestPartyApp, type TestPartyApp } from '../support/test-party-app.ts'
import { joinAll, makeParty } from '../support/parties.ts'
import { startSharePaymentDouble, type SharePaymentDouble } from '../support/share-payment-double.ts'

interface PartyRead {
  status: string
  memberCount: number
  payment?: {
    roundId: string
    status: string
    shares: { userId: string; amount: number; status: string }[]
  } | null
}

describe('share payments of a filled party', () => {
  let t: TestPartyApp
  let payments: SharePaymentDouble
  let marketId: string
  before(async () => {
    t = await startTestPartyApp()
    payments = await startSharePaymentDouble(t)
    marketId = (await t.market()).marketId
  })
  after(async () => {
    await payments.stop()
    await t.close()
  })

  const read = async (partyId: string, as: Identity): Promise<PartyRead> =>
    (await client(t)('GET', `/parties/${partyId}`, { as })).json()
  const until = (what: string, check: () => Promise<boolean>) =>
    waitUntil(check, { timeoutMs: 15_000, message: what })
  const outbox = async (partyId: string, name: string) =>
    t.sql<{ payload: Record<string, unknown> }>(
      `SELECT payload FROM outbox_messages WHERE event_name = $1 AND payload->>'partyId' = $2`,
      [name, partyId],
    )
  const members = (n: number, balance: number) =>
    Array.from({ length: n }, () => {
      const member = buyerIdentity()
      payments.setBalance(member.userId, balance)
      return member
    })

  test('every member pays: the shares are released to the leader and the party is paid', async () => {
    const party = await makeParty(t, marketId, { capacity: 3, pricePerPerson: 1_500 })
    const [a, b] = members(2, 5_000)
    await joinAll(t, party.id, [a!, b!])
    await until('party paid', async () => (await read(party.id, a!)).payment?.status === 'PAID')

    const paid = await read(party.id, a!)
    assert.equal(paid.status, 'FILLED')
    assert.deepEqual(
      paid.payment?.shares.map((s) => [s.userId, s.amount, s.status]).sort(),
      [
        [a!.userId, 1_500, 'RELEASED'],
        [b!.userId, 1_500, 'RELEASED'],
      ].sort(),
    )
    assert.equal(payments.balanceOf(a!.userId), 3_500)
    assert.equal(payments.balanceOf(party.leader.userId), 3_000)
    const [event] = await outbox(party.id, 'party.paid.v1')
    assert.equal(event?.payload.amount, 3_000)
    assert.equal(payments.commandsFor(party.id, 'payment.share-release-requested.v1').length, 1)

    // Only members see the payment.
    const outsider = await read(party.id, buyerIdentity())
    assert.equal(outsider.payment, undefined)
    // The shares are the leader's now: nobody leaves and the leader does not cancel.
    const leave = await client(t)('POST', `/parties/${party.id}/leave`, { as: a })
    assert.equal(leave.statusCode, 409)
    assert.equal(leave.json().code, 'PARTY_PAID')
    const cancel = await client(t)('POST', `/parties/${party.id}/cancel`, { as: party.leader })
    assert.equal(cancel.json().code, 'PARTY_PAID')
  })

  test('a member who cannot pay is taken out, the others are refunded, the party opens again', async () => {
    const party = await makeParty(t, marketId, { capacity: 4, pricePerPerson: 2_000 })
    const [a, b] = members(2, 2_000)
    const [poor] = members(1, 1_999)
    await joinAll(t, party.id, [a!, b!, poor!])
    await until('party reopened', async () => (await read(party.id, a!)).status === 'OPEN')
    await until('shares refunded', async () =>
      (await read(party.id, a!)).payment!.shares.every((s) => s.status !== 'REFUNDING'),
    )

    const reopened = await read(party.id, a!)
    assert.equal(reopened.memberCount, 3)
    assert.equal(reopened.payment?.status, 'ABANDONED')
    const statusOf = (userId: string) => reopened.payment?.shares.find((s) => s.userId === userId)?.status
    assert.equal(statusOf(poor!.userId), 'FAILED')
    assert.equal(statusOf(a!.userId), 'REFUNDED')
    assert.equal(statusOf(b!.userId), 'REFUNDED')
    assert.equal(payments.balanceOf(a!.userId), 2_000)
    assert.equal(payments.balanceOf(b!.userId), 2_000)
    assert.equal(payments.balanceOf(poor!.userId), 1_999)
    const member = await t.sql('SELECT 1 FROM party_members WHERE party_id = $1 AND user_id = $2', [
      party.id,
      poor!.userId,
    ])
    assert.equal(member.length, 0)
    const [removed] = await outbox(party.id, 'party.member-removed.v1')
    assert.equal(removed?.payload.userId, poor!.userId)
    assert.equal(removed?.payload.reason, 'PAYMENT_FAILED')
    assert.equal(removed?.payload.memberCount, 3)

    // Someone else takes the place: a new round, and this time everyone pays.
    const [c] = members(1, 2_000)
    await joinAll(t, party.id, [c!])
    await until('second round paid', async () => (await read(party.id, c!)).payment?.status === 'PAID')
    assert.notEqual((await read(party.id, c!)).payment?.roundId, reopened.payment?.roundId)
    assert.equal(payments.balanceOf(party.leader.userId), 6_000)
  })

  test('replies delivered twice (and resent) have one effect', async () => {
    payments.duplicateReplies(true)
    try {
      const paidParty = await makeParty(t, marketId, { capacity: 3, pricePerPerson: 1_000 })
      const [a, b] = members(2, 1_000)
      await joinAll(t, paidParty.id, [a!, b!])
      await until('party paid', async () => (await read(paidParty.id, a!)).payment?.status === 'PAID')

      const failing = await makeParty(t, marketId, { capacity: 3, pricePerPerson: 1_000 })
      const [rich] = members(1, 1_000)
      const [poor] = members(1, 0)
      await joinAll(t, failing.id, [rich!, poor!])
      await until('refunded', async () => {
        const party = await read(failing.id, rich!)
        return party.payment?.shares.find((s) => s.userId === rich!.userId)?.status === 'REFUNDED'
      })
      // Let the copies of the last replies arrive, then count the effects.
      await new Promise((resolve) => setTimeout(resolve, 500))
      assert.equal(payments.commandsFor(paidParty.id, 'payment.share-release-requested.v1').length, 1)
      assert.equal((await outbox(paidParty.id, 'party.paid.v1')).length, 1)
      assert.equal((await outbox(failing.id, 'party.member-removed.v1')).length, 1)
      assert.equal(payments.commandsFor(failing.id, 'payment.share-refund-requested.v1').length, 1)
      const after = await read(failing.id, rich!)
      assert.equal(after.status, 'OPEN')
      assert.equal(after.memberCount, 2)
    } finally {
      payments.duplicateReplies(false)
    }
  })

  test('a charge answered after its round was abandoned ends refunded', async () => {
    const party = await makeParty(t, marketId, { capacity: 3, pricePerPerson: 3_000 })
    const [slow] = members(1, 3_000)
    const [poor] = members(1, 0)
    payments.holdRepliesOf(slow!.userId)
    await joinAll(t, party.id, [slow!, poor!])
    await until('party reopened', async () => (await read(party.id, slow!)).status === 'OPEN')
    await payments.waitForCommands(party.id, 'payment.share-refund-requested.v1', 1)
    // The slow member's charge was taken, and its refund too; both answers arrive only now.
    payments.deliverHeld(slow!.userId)
    await until('slow share refunded', async () => {
      const slowParty = await read(party.id, slow!)
      return slowParty.payment?.shares.find((s) => s.userId === slow!.userId)?.status === 'REFUNDED'
    })
    assert.equal(payments.balanceOf(slow!.userId), 3_000)
    assert.equal(payments.balanceOf(party.leader.userId), 0)
    assert.equal((await read(party.id, slow!)).payment?.status, 'ABANDONED')
  })

  test('a member leaving while the shares are collected abandons the round and refunds the others', async () => {
    const party = await makeParty(t, marketId, { capacity: 3, pricePerPerson: 1_200 })
    const [a, b] = members(2, 1_200)
    payments.holdRepliesOf(b!.userId)
    await joinAll(t, party.id, [a!, b!])
    await until(
      'a charged',
      async () =>
        (await read(party.id, a!)).payment?.shares.some(
          (s) => s.userId === a!.userId && s.status === 'CHARGED',
        ) ?? false,
    )
    const left = await client(t)('POST', `/parties/${party.id}/leave`, { as: a })
    assert.equal(left.statusCode, 200, left.body)
    payments.deliverHeld(b!.userId)
    await until('both refunded', async () =>
      (await read(party.id, b!)).payment!.shares.every((s) => s.status === 'REFUNDED'),
    )
    assert.equal(payments.balanceOf(a!.userId), 1_200)
    assert.equal(payments.balanceOf(b!.userId), 1_200)
    assert.equal((await read(party.id, b!)).status, 'OPEN')
  })

  test('a member who cannot pay after the deadline leaves the party EXPIRED, not open', async () => {
    const deadline = Date.now() + 2_000
    const party = await makeParty(t, marketId, {
      capacity: 2,
      pricePerPerson: 1_000,
      deadline: new Date(deadline).toISOString(),
    })
    const [poor] = members(1, 0)
    payments.holdRepliesOf(poor!.userId)
    await joinAll(t, party.id, [poor!])
    await payments.waitForCommands(party.id, 'payment.share-charge-requested.v1', 1)
    // The expiry job runs at the deadline and leaves the FILLED party alone.
    await new Promise((resolve) => setTimeout(resolve, deadline - Date.now() + 1_000))
    payments.deliverHeld(poor!.userId)
    await until('party expired', async () => (await read(party.id, party.leader)).status === 'EXPIRED')
    const expired = await outbox(party.id, 'party.expired.v1')
    assert.equal(expired.length, 1)
    assert.deepEqual(expired[0]?.payload.memberIds, [party.leader.userId])
    assert.equal((await read(party.id, party.leader)).memberCount, 1)
  })

  test('the sweep sends an unanswered charge again, and the share is taken once', async () => {
    const party = await makeParty(t, marketId, { capacity: 2, pricePerPerson: 1_000 })
    const [member] = members(1, 1_000)
    payments.ignoreCommandsOf(member!.userId)
    await joinAll(t, party.id, [member!])
    await payments.waitForCommands(party.id, 'payment.share-charge-requested.v1', 1)
    const { payments: partyPayments } = t.app.partyDomain
    assert.equal(await partyPayments.resendUnanswered(60_000), 0, 'not yet waited long enough')
    await new Promise((resolve) => setTimeout(resolve, 1_100))
    payments.ignoreCommandsOf(member!.userId, false)
    assert.equal(await partyPayments.resendUnanswered(1_000), 1)
    await until('party paid', async () => (await read(party.id, member!)).payment?.status === 'PAID')
    assert.equal(payments.commandsFor(party.id, 'payment.share-charge-requested.v1').length, 2)
    assert.equal(payments.balanceOf(member!.userId), 0)
    assert.equal(payments.balanceOf(party.leader.userId), 1_000)
    assert.equal(await partyPayments.resendUnanswered(0), 0, 'nothing left waiting')
  })

  test('a party without a price fills without any payment', async () => {
    const party = await makeParty(t, marketId, { capacity: 2, pricePerPerson: 0 })
    const [a] = members(1, 0)
    await joinAll(t, party.id, [a!])
    const filled = await read(party.id, a!)
    assert.equal(filled.status, 'FILLED')
    assert.equal(filled.payment, null)
  })
})
