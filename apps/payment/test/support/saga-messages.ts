// The order service's side of the saga, for tests: publishes charge and refund commands to the
// test vhost as the order service's relay would, and collects the payment service's replies.
import { randomUUID } from 'node:crypto'
import { waitUntil } from '@deals/messaging/testing'
import {
  PAYMENT_REPLIES,
  paymentChargeRequestedV1,
  paymentRefundRequestedV1,
  type EventPayload,
} from '@deals/contracts'
import { startCommandDouble } from './command-double.ts'
import type { TestPaymentApp } from './test-payment-app.ts'

export type ChargeCommand = EventPayload<typeof paymentChargeRequestedV1>
export type RefundCommand = EventPayload<typeof paymentRefundRequestedV1>

export interface Reply {
  /** The message id: the same reply published twice (a relay restart) carries the same one. */
  id: string | undefined
  name: string
  payload: Record<string, unknown> & { orderId: string }
}

/** A charge command for a fresh order, payable for an hour unless told otherwise. */
export function chargeCommand(overrides: Partial<ChargeCommand> = {}): ChargeCommand {
  const now = Date.now()
  return {
    orderId: randomUUID(),
    userId: randomUUID(),
    sellerId: randomUUID(),
    amount: 10_000,
    method: 'WALLET',
    productName: 'Jeju tangerines 5 kg',
    payBy: new Date(now + 3_600_000).toISOString(),
    requestedAt: new Date(now).toISOString(),
    ...overrides,
  }
}

/** The refund command for the order of `charge`. */
export function refundCommand(
  charge: Pick<ChargeCommand, 'orderId' | 'userId' | 'sellerId' | 'amount'>,
  overrides: Partial<RefundCommand> = {},
): RefundCommand {
  return {
    orderId: charge.orderId,
    userId: charge.userId,
    sellerId: charge.sellerId,
    amount: charge.amount,
    reason: 'BUYER_CANCELLED',
    requestedAt: new Date().toISOString(),
    ...overrides,
  }
}

export async function startSagaDouble(t: TestPaymentApp) {
  const double = await startCommandDouble(
    t,
    'order',
    PAYMENT_REPLIES.map((r) => r.name),
  )
  const { publish } = double

  const replies = (): Reply[] =>
    double.messages().map((m) => {
      const body = m.body as { name: string; payload: Reply['payload'] }
      return { id: m.messageId, name: body.name, payload: body.payload }
    })

  return {
    charge: (command: ChargeCommand, id?: string) => publish(paymentChargeRequestedV1.name, command, id),
    refund: (command: RefundCommand, id?: string) => publish(paymentRefundRequestedV1.name, command, id),
    replies,
    /** The replies about one order, in the order they were published. */
    repliesFor: (orderId: string) => replies().filter((r) => r.payload.orderId === orderId),
    /** Waits until the order has `count` replies and returns them. */
    async awaitReplies(orderId: string, count = 1, timeoutMs = 20_000): Promise<Reply[]> {
      await waitUntil(() => replies().filter((r) => r.payload.orderId === orderId).length >= count, {
        timeoutMs,
      })
      return replies().filter((r) => r.payload.orderId === orderId)
    },
    close: double.close,
  }
}

export type SagaDouble = Awaited<ReturnType<typeof startSagaDouble>>
