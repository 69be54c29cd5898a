// A stand-in for the payment service in the party service's tests: consumes the share commands in
// the test's vhost and answers as the real service would (one share per share id, wallets that
// refuse what they do not cover, a refund before the charge voids the share), with replies
// published to the event exchange as its relay would. Replies can be held per member (the charge
// is applied, its answer waits) and delivered twice under one message id plus once under another;
// a member's commands can be lost.
import { randomUUID } from 'node:crypto'
import { waitUntil } from '@deals/messaging/testing'
import { assertEventExchange, DEFAULT_EXCHANGE, openAmqpConnection } from '@deals/messaging'
import type { paymentShareReleaseRequestedV1 } from '@deals/contracts'
import {
  paymentShareChargedV1,
  paymentShareChargeFailedV1,
  paymentShareChargeRequestedV1,
  paymentShareRefundedV1,
  paymentShareRefundRequestedV1,
  paymentShareReleasedV1,
  SHARE_PAYMENT_COMMANDS,
  type EventPayload,
} from '@deals/contracts'
import type { TestPartyApp } from './test-party-app.ts'

type Charge = EventPayload<typeof paymentShareChargeRequestedV1>
type Refund = EventPayload<typeof paymentShareRefundRequestedV1>
type Release = EventPayload<typeof paymentShareReleaseRequestedV1>
type ShareState = 'CHARGED' | 'FAILED' | 'REFUNDED' | 'RELEASED' | 'VOIDED'

export interface ReceivedCommand {
  name: string
  payload: { partyId: string; userId?: string; [field: string]: unknown }
}

export async function startSharePaymentDouble(t: TestPartyApp) {
  const connection = await openAmqpConnection({ url: t.vhost.url, name: 'share-payment-double' })
  const channel = await (await connection.ready()).createChannel()
  await assertEventExchange(channel, DEFAULT_EXCHANGE)
  const { queue } = await channel.assertQueue(`test.share-payment-double.${randomUUID()}`, {
    exclusive: true,
    autoDelete: true,
  })
  for (const command of SHARE_PAYMENT_COMMANDS) await channel.bindQueue(queue, DEFAULT_EXCHANGE, command.name)

  const balances = new Map<string, number>()
  const shares = new Map<string, { state: ShareState; command: Charge | Refund }>()
  const commands: ReceivedCommand[] = []
  const held = new Map<string, (() => void)[]>()
  const holding = new Set<string>()
  const ignoring = new Set<string>()
  let duplicate = false

  function publish(name: string, payload: object, id: string = randomUUID()): void {
    const envelope = { id, name, occurredAt: new Date().toISOString(), producer: 'payment', payload }
    channel.publish(DEFAULT_EXCHANGE, name, Buffer.from(JSON.stringify(envelope)), {
      persistent: true,
      messageId: id,
      type: name,
      contentType: 'application/json',
    })
  }
  function reply(userId: string | undefined, name: string, payload: object): void {
    const send = () => {
      const id = randomUUID()
      publish(name, payload, id)
      if (duplicate) {
        publish(name, payload, id)
        publish(name, payload)
      }
    }
    if (userId && holding.has(userId)) held.set(userId, [...(held.get(userId) ?? []), send])
    else send()
  }
  const ref = (c: Charge | Refund) => ({
    shareId: c.shareId,
    roundId: c.roundId,
    partyId: c.partyId,
    userId: c.userId,
  })
  const now = () => new Date().toISOString()

  function chargeOutcome(c: Charge, state: ShareState): void {
    if (state === 'FAILED' || state === 'VOIDED')
      return reply(c.userId, paymentShareChargeFailedV1.name, {
        ...ref(c),
        code: state === 'FAILED' ? 'INSUFFICIENT_BALANCE' : 'SHARE_VOIDED',
        message: 'not charged',
        failedAt: now(),
      })
    reply(c.userId, paymentShareChargedV1.name, { ...ref(c), amount: c.amount, chargedAt: now() })
  }

  function charge(c: Charge): void {
    const existing = shares.get(c.shareId)
    if (existing) return chargeOutcome(c, existing.state)
    const balance = balances.get(c.userId) ?? 0
    const state: ShareState = balance >= c.amount ? 'CHARGED' : 'FAILED'
    if (state === 'CHARGED') balances.set(c.userId, balance - c.amount)
    shares.set(c.shareId, { state, command: c })
    chargeOutcome(c, state)
  }

  function refund(r: Refund): void {
    const share = shares.get(r.shareId)
    if (!share) shares.set(r.shareId, { state: 'VOIDED', command: r })
    else if (share.state === 'CHARGED') {
      const c = share.command as Charge
      balances.set(c.userId, (balances.get(c.userId) ?? 0) + c.amount)
      share.state = 'REFUNDED'
    }
    const state = shares.get(r.shareId)!.state
    const amount = state === 'REFUNDED' ? (shares.get(r.shareId)!.command as Charge).amount : 0
    reply(r.userId, paymentShareRefundedV1.name, {
      ...ref(r),
      outcome: state === 'REFUNDED' ? 'REFUNDED' : state === 'RELEASED' ? 'RELEASED' : 'VOIDED',
      refundedAmount: amount,
      completedAt: now(),
    })
  }

  function release(r: Release): void {
    let amount = 0
    const released: string[] = []
    for (const shareId of r.shareIds) {
      const share = shares.get(shareId)
      if (share?.state === 'CHARGED') {
        share.state = 'RELEASED'
        balances.set(r.leaderId, (balances.get(r.leaderId) ?? 0) + (share.command as Charge).amount)
      }
      if (share?.state === 'RELEASED') {
        amount += (share.command as Charge).amount
        released.push(shareId)
      }
    }
    reply(undefined, paymentShareReleasedV1.name, {
      roundId: r.roundId,
      partyId: r.partyId,
      leaderId: r.leaderId,
      shareIds: released,
      amount,
      releasedAt: now(),
    })
  }

  await channel.consume(queue, (msg) => {
    if (!msg) return
    const envelope = JSON.parse(msg.content.toString('utf8')) as ReceivedCommand
    commands.push({ name: envelope.name, payload: envelope.payload })
    if (envelope.payload.userId && ignoring.has(envelope.payload.userId)) return channel.ack(msg)
    if (envelope.name === paymentShareChargeRequestedV1.name) charge(envelope.payload as unknown as Charge)
    else if (envelope.name === paymentShareRefundRequestedV1.name)
      refund(envelope.payload as unknown as Refund)
    else release(envelope.payload as unknown as Release)
    channel.ack(msg)
  })

  return {
    balanceOf: (userId: string) => balances.get(userId) ?? 0,
    setBalance: (userId: string, won: number) => void balances.set(userId, won),
    /** Every later reply is published twice under one message id and once more under another. */
    duplicateReplies: (on: boolean) => void (duplicate = on),
    /** Takes the member's commands off the queue without applying or answering them (lost). */
    ignoreCommandsOf: (userId: string, on = true) =>
      void (on ? ignoring.add(userId) : ignoring.delete(userId)),
    /** Applies the member's commands but keeps their replies until `deliverHeld`. */
    holdRepliesOf: (userId: string) => void holding.add(userId),
    deliverHeld(userId: string): void {
      holding.delete(userId)
      for (const send of held.get(userId) ?? []) send()
      held.delete(userId)
    },
    commandsFor: (partyId: string, name?: string) =>
      commands.filter((c) => c.payload.partyId === partyId && (!name || c.name === name)),
    async waitForCommands(partyId: string, name: string, count: number) {
      await waitUntil(
        () => commands.filter((c) => c.payload.partyId === partyId && c.name === name).length >= count,
        { timeoutMs: 10_000, message: `${count} ${name} for ${partyId}` },
      )
    },
    async stop() {
      await connection.close().catch(() => {})
    },
  }
}

export type SharePaymentDouble = Awaited<ReturnType<typeof startSharePaymentDouble>>
