// Persists the purchase saga's moves in the caller's transaction: the saga row is locked first
// (every writer of an order's payment state locks it before the order, so they never deadlock),
// the move decided from the state read, then written together with the command it sends.
import { enqueue } from '@deals/messaging'
import { paymentRefundRequestedV1, type EventPayload, type RefundReason } from '@deals/contracts'
import type { OrderTx } from '../database.ts'
import {
  decideSaga,
  type SagaDecision,
  type SagaInput,
  type SagaOutcome,
  type SagaState,
} from './purchase-saga.ts'

export interface SagaRow {
  orderId: string
  state: SagaState
  step: number
  refundReason: RefundReason | null
  commandSentAt: Date | null
  createdAt: Date
}

/** The order facts a saga's commands carry. */
export interface SagaOrder {
  id: string
  userId: string
  sellerId: string
  amount: number
}

/** A saga that reached an outcome, to count once the transaction committed. */
export interface SagaEnded {
  outcome: SagaOutcome
  startedAt: Date
}

export interface Advanced {
  decision: SagaDecision
  /** The saga as it was before the move; undefined when the order has none. */
  saga: SagaRow | undefined
  ended: SagaEnded | undefined
}

export interface AdvanceOptions {
  /** Kept on the saga as its last error (a payment failure, an unanswered command). */
  lastError?: string
  /** Checked on the locked row: work decided on an earlier read is dropped if it no longer holds. */
  when?: (saga: SagaRow) => boolean
  now?: Date
}

export class SagaStore {
  constructor(private readonly options: { resendAfterMs: number }) {}

  /** The order's saga, locked until the transaction ends. */
  async lock(tx: OrderTx, orderId: string): Promise<SagaRow | undefined> {
    const rows = await tx.$queryRaw<SagaRow[]>`
      SELECT order_id AS "orderId", state::text AS state, step, refund_reason::text AS "refundReason",
             command_sent_at AS "commandSentAt", created_at AS "createdAt"
      FROM purchase_sagas WHERE order_id = ${orderId}::uuid FOR UPDATE`
    return rows[0]
  }

  /** Locks the saga, decides, and writes the move with its command; a dropped input writes nothing. */
  async advance(
    tx: OrderTx,
    order: SagaOrder,
    input: SagaInput,
    options: AdvanceOptions = {},
  ): Promise<Advanced> {
    const saga = await this.lock(tx, order.id)
    if (!saga || (options.when && !options.when(saga)))
      return { decision: { kind: 'DROP' }, saga, ended: undefined }
    const decision = decideSaga(saga.state, input)
    if (decision.kind === 'DROP') return { decision, saga, ended: undefined }
    const now = options.now ?? new Date()
    const changesState = decision.to !== saga.state
    const refundReason = decision.refundReason ?? saga.refundReason
    await tx.purchaseSaga.update({
      where: { orderId: order.id },
      data: {
        state: decision.to,
        ...(changesState
          ? {
              step: { increment: 1 },
              attempts: 0,
              deadline:
                decision.to === 'COMPENSATING' ? new Date(now.getTime() + this.options.resendAfterMs) : null,
            }
          : {}),
        ...(input === 'RESEND' ? { attempts: { increment: 1 } } : {}),
        ...(decision.send ? { commandSentAt: now } : {}),
        ...(decision.refundReason ? { refundReason: decision.refundReason } : {}),
        ...(options.lastError ? { lastError: options.lastError } : {}),
      },
    })
    if (decision.send === 'REFUND') {
      if (!refundReason) throw new Error(`saga of order ${order.id} resends a refund it has no reason for`)
      await enqueue(tx, refundCommand(order, refundReason, now))
    }
    const ended = decision.outcome ? { outcome: decision.outcome, startedAt: saga.createdAt } : undefined
    return { decision, saga, ended }
  }
}

function refundCommand(order: SagaOrder, reason: RefundReason, now: Date) {
  const payload: EventPayload<typeof paymentRefundRequestedV1> = {
    orderId: order.id,
    userId: order.userId,
    sellerId: order.sellerId,
    amount: order.amount,
    reason,
    requestedAt: now.toISOString(),
  }
  return { name: paymentRefundRequestedV1.name, payload: paymentRefundRequestedV1.payload.parse(payload) }
}
