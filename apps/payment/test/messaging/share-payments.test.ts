// Party share payments over real RabbitMQ: a share moves from the member's wallet into the party's
// escrow, a wallet that does not cover it fails the share, a refund returns it once, a message
// delivered twice has one effect, a refund that overtakes its charge voids the share so the late
// charge is refused, and a release moves the round's shares to the leader once. The ledger stays
// balanced and no escrow goes below zero.
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import {
  assertLedgerBalanced,
  sql,
  startTestPaymentApp,
  topUp,
  walletBalance,
  type TestPaymentApp,
} from '../support/test-payment-app.ts'
import { shareRound, startPartyDouble, type PartyDouble } from '../support/share-messages.ts'

describe('party share payments', () => {
  let t: TestPaymentApp
  let party: PartyDouble
  before(async () => {
    t = await startTestPaymentApp()
    party = await startPartyDouble(t)
  })
  after(async () => {
    await party.close()
    await t.close()
  })

  const escrowOf = async (partyId: string) =>
    Number(
      (
        await sql<{ balance: string }>(
          t,
          `SELECT balance::text FROM accounts WHERE kind = 'PARTY_ESCROW' AND owner_id = $1`,
          [partyId],
        )
      )[0]?.balance ?? 0,
    )
  const shareState = async (shareId: string) =>
    (await sql<{ state: string }>(t, `SELECT state FROM share_payments WHERE share_id = $1`, [shareId]))[0]
      ?.state
  const bookings = async (reference: string) =>
    (
      await sql<{ kind: string }>(
        t,
        `SELECT kind FROM ledger_transactions WHERE reference = $1 ORDER BY id`,
        [reference],
      )
    ).map((r) => r.kind)
  const assertEscrowsNotNegative = async () =>
    assert.deepEqual(await sql(t, `SELECT id FROM accounts WHERE kind = 'PARTY_ESCROW' AND balance < 0`), [])

  test('every share charged into the escrow, then released to the leader once', async () => {
    const members = [randomUUID(), randomUUID(), randomUUID()]
    for (const m of members) await topUp(t, m, 5_000)
    const round = shareRound(members, 1_500)
    for (const c of round.charges) await party.charge(c)
    for (const c of round.charges) {
      const [reply] = await party.awaitReplies(c.shareId)
      assert.equal(reply?.name, 'payment.share-charged.v1')
      assert.equal(reply?.payload.amount, 1_500)
      assert.equal(await walletBalance(t, c.userId), 3_500)
    }
    assert.equal(await escrowOf(round.partyId), 4_500)

    const id = randomUUID()
    await party.release(round, id)
    await party.release(round, id)
    await party.release(round)
    const releases = await party.awaitReplies(round.roundId, 2)
    for (const r of releases) {
      assert.equal(r.name, 'payment.share-released.v1')
      assert.equal(r.payload.amount, 4_500)
      assert.deepEqual(
        [...(r.payload.shareIds as string[])].sort(),
        round.charges.map((c) => c.shareId).sort(),
      )
    }
    assert.equal(await walletBalance(t, round.leaderId), 4_500)
    assert.equal(await escrowOf(round.partyId), 0)
    assert.deepEqual(await bookings(round.roundId), ['SHARE_RELEASE'])
    for (const c of round.charges) assert.equal(await shareState(c.shareId), 'RELEASED')

    // A refund asked after the release returns nothing: the shares are the leader's.
    await party.refund(round.charges[0]!)
    const late = (await party.awaitReplies(round.charges[0]!.shareId, 2)).at(-1)
    assert.equal(late?.name, 'payment.share-refunded.v1')
    assert.equal(late?.payload.outcome, 'RELEASED')
    assert.equal(late?.payload.refundedAmount, 0)
    assert.equal(await walletBalance(t, round.leaderId), 4_500)
    await assertLedgerBalanced(t)
    await assertEscrowsNotNegative()
    const metrics = await t.app.inject({ method: 'GET', url: '/metrics' })
    assert.match(metrics.body, /^payment_share_payments_total\{[^}]*outcome="released"[^}]*\} 3$/m)
  })

  test('a share the wallet does not cover fails with INSUFFICIENT_BALANCE and moves nothing', async () => {
    const poor = randomUUID()
    await topUp(t, poor, 1_499)
    const round = shareRound([poor], 1_500)
    await party.charge(round.charges[0]!)
    const [reply] = await party.awaitReplies(round.charges[0]!.shareId)
    assert.equal(reply?.name, 'payment.share-charge-failed.v1')
    assert.equal(reply?.payload.code, 'INSUFFICIENT_BALANCE')
    assert.equal(await shareState(round.charges[0]!.shareId), 'FAILED')
    assert.equal(await walletBalance(t, poor), 1_499)
    assert.equal(await escrowOf(round.partyId), 0)

    // Refunding a failed share returns nothing and says so.
    await party.refund(round.charges[0]!)
    const [, refund] = await party.awaitReplies(round.charges[0]!.shareId, 2)
    assert.equal(refund?.payload.outcome, 'VOIDED')
    assert.equal(await walletBalance(t, poor), 1_499)
  })

  test('a charge delivered twice is applied once; a refund returns the share once however often asked', async () => {
    const member = randomUUID()
    await topUp(t, member, 10_000)
    const round = shareRound([member], 2_000)
    const charge = round.charges[0]!
    const id = randomUUID()
    await party.charge(charge, id)
    await party.charge(charge, id)
    await party.charge(charge)
    await party.awaitReplies(charge.shareId, 2)
    assert.equal(await walletBalance(t, member), 8_000)
    assert.deepEqual(await bookings(charge.shareId), ['SHARE_CHARGE'])

    const refundId = randomUUID()
    await party.refund(charge, refundId)
    await party.refund(charge, refundId)
    await party.refund(charge)
    const replies = await party.awaitReplies(charge.shareId, 4)
    // A marker share's reply shows the queue moved past the duplicate deliveries.
    const marker = shareRound([randomUUID()], 1)
    await party.refund(marker.charges[0]!)
    await party.awaitReplies(marker.charges[0]!.shareId)
    assert.deepEqual(
      party.repliesOf(charge.shareId).map((r) => r.name),
      [
        'payment.share-charged.v1',
        'payment.share-charged.v1',
        'payment.share-refunded.v1',
        'payment.share-refunded.v1',
      ],
    )
    for (const r of replies.slice(2)) {
      assert.equal(r.payload.outcome, 'REFUNDED')
      assert.equal(r.payload.refundedAmount, 2_000)
    }
    assert.equal(await walletBalance(t, member), 10_000)
    assert.equal(await escrowOf(round.partyId), 0)
    assert.deepEqual(await bookings(charge.shareId), ['SHARE_CHARGE', 'SHARE_REFUND'])

    // Releasing a round whose only share was refunded moves nothing to the leader.
    await party.release(round)
    const [release] = await party.awaitReplies(round.roundId)
    assert.equal(release?.payload.amount, 0)
    assert.deepEqual(release?.payload.shareIds, [])
    assert.equal(await walletBalance(t, round.leaderId), 0)
    await assertLedgerBalanced(t)
    await assertEscrowsNotNegative()
  })

  test('a refund that overtakes its charge voids the share, and the late charge is refused', async () => {
    const member = randomUUID()
    await topUp(t, member, 10_000)
    const round = shareRound([member], 3_000)
    const charge = round.charges[0]!
    await party.refund(charge)
    const [voided] = await party.awaitReplies(charge.shareId)
    assert.equal(voided?.name, 'payment.share-refunded.v1')
    assert.equal(voided?.payload.outcome, 'VOIDED')

    await party.charge(charge)
    const [, refused] = await party.awaitReplies(charge.shareId, 2)
    assert.equal(refused?.name, 'payment.share-charge-failed.v1')
    assert.equal(refused?.payload.code, 'SHARE_VOIDED')
    assert.equal(await shareState(charge.shareId), 'VOIDED')
    assert.equal(await walletBalance(t, member), 10_000)
  })

  test('shares of one party charged and refunded concurrently keep the escrow and the ledger exact', async () => {
    const members = Array.from({ length: 20 }, () => randomUUID())
    for (const m of members) await topUp(t, m, 1_000)
    const round = shareRound(members, 1_000)
    await Promise.all(round.charges.map((c) => party.charge(c)))
    await Promise.all(round.charges.slice(0, 10).map((c) => party.refund(c)))
    for (const c of round.charges.slice(0, 10)) await party.awaitReplies(c.shareId, 2)
    for (const c of round.charges.slice(10)) await party.awaitReplies(c.shareId, 1)
    const states = await sql<{ state: string; n: number }>(
      t,
      `SELECT state::text, COUNT(*)::int AS n FROM share_payments WHERE round_id = $1 GROUP BY state ORDER BY state`,
      [round.roundId],
    )
    const held = states.find((s) => s.state === 'CHARGED')?.n ?? 0
    assert.equal(held, 10)
    assert.equal(await escrowOf(round.partyId), 10_000)
    await assertLedgerBalanced(t)
    await assertEscrowsNotNegative()
  })
})
