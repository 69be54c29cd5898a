// The party service's side of share payments, for tests: publishes share commands to the test
// vhost as the party service's relay would, and collects the payment service's share replies.
import { randomUUID } from 'node:crypto'
import { waitUntil } from '@deals/messaging/testing'
import {
  paymentShareChargeRequestedV1,
  paymentShareRefundRequestedV1,
  paymentShareReleaseRequestedV1,
  SHARE_PAYMENT_REPLIES,
  type EventPayload,
} from '@deals/contracts'
import { startCommandDouble } from './command-double.ts'
import type { TestPaymentApp } from './test-payment-app.ts'

export type ShareChargeCommand = EventPayload<typeof paymentShareChargeRequestedV1>

export interface ShareReply {
  name: string
  payload: Record<string, unknown> & { roundId: string; shareId?: string }
}

/** A round of `members` shares of `amount` each, for a fresh party led by a fresh leader. */
export function shareRound(members: string[], amount: number) {
  const roundId = randomUUID()
  const partyId = randomUUID()
  const leaderId = randomUUID()
  const now = new Date().toISOString()
  const charges: ShareChargeCommand[] = members.map((userId) => ({
    shareId: randomUUID(),
    roundId,
    partyId,
    userId,
    leaderId,
    amount,
    requestedAt: now,
  }))
  return { roundId, partyId, leaderId, charges }
}

export async function startPartyDouble(t: TestPaymentApp) {
  const double = await startCommandDouble(
    t,
    'party',
    SHARE_PAYMENT_REPLIES.map((r) => r.name),
  )
  const { publish } = double

  const replies = (): ShareReply[] => double.messages().map((m) => m.body as ShareReply)
  const repliesOf = (key: string) =>
    replies().filter((r) => r.payload.shareId === key || (!r.payload.shareId && r.payload.roundId === key))

  return {
    charge: (command: ShareChargeCommand, id?: string) =>
      publish(paymentShareChargeRequestedV1.name, command, id),
    refund: (charge: ShareChargeCommand, id?: string) =>
      publish(
        paymentShareRefundRequestedV1.name,
        {
          shareId: charge.shareId,
          roundId: charge.roundId,
          partyId: charge.partyId,
          userId: charge.userId,
          reason: 'MEMBER_PAYMENT_FAILED',
          requestedAt: new Date().toISOString(),
        },
        id,
      ),
    release: (round: ReturnType<typeof shareRound>, id?: string) =>
      publish(
        paymentShareReleaseRequestedV1.name,
        {
          roundId: round.roundId,
          partyId: round.partyId,
          leaderId: round.leaderId,
          shareIds: round.charges.map((c) => c.shareId),
          requestedAt: new Date().toISOString(),
        },
        id,
      ),
    /** The replies about one share (by share id) or a round's releases (by round id). */
    repliesOf,
    async awaitReplies(key: string, count = 1, timeoutMs = 20_000): Promise<ShareReply[]> {
      await waitUntil(() => repliesOf(key).length >= count, { timeoutMs })
      return repliesOf(key)
    },
    close: double.close,
  }
}

export type PartyDouble = Awaited<ReturnType<typeof startPartyDouble>>
