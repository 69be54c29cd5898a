// The purchase saga's state machine: which input moves a saga from which state to which, the
// command it sends on the way and the outcome it ends in. Plain data and one function, so the
// rules are read (and unit-tested) in one place; saga-store.ts persists the moves.
import type { RefundReason } from '@deals/contracts'

export const SAGA_STATES = ['PAYMENT_REQUESTED', 'COMPLETED', 'COMPENSATING', 'COMPENSATED'] as const
export type SagaState = (typeof SAGA_STATES)[number]

/** What can happen to a saga: the payment service's replies, the order's own steps, the sweep. */
export type SagaInput =
  /** payment.charge-succeeded.v1 */
  | 'CHARGE_SUCCEEDED'
  /** payment.charge-failed.v1 */
  | 'CHARGE_FAILED'
  /** payment.approval-required.v1: a PG payment waits for the buyer. */
  | 'APPROVAL_REQUIRED'
  /** payment.refund-completed.v1 with REFUNDED: money was taken and given back. */
  | 'REFUNDED'
  /** payment.refund-completed.v1 with VOIDED: no money was ever taken, and none will be. */
  | 'VOIDED'
  /** The reservation's deadline passed unpaid (the expiry job, or the sweep standing in for it). */
  | 'PAYMENT_TIMEOUT'
  /** The buyer cancelled, before payment or within the window after it. */
  | 'BUYER_CANCELLED'
  /** The seller accepted the buyer's return. */
  | 'RETURNED'
  /** The sweep found the pending command unanswered for too long. */
  | 'RESEND'

/** How a saga ends, as counted by `saga_outcomes_total{outcome}`. */
export type SagaOutcome = 'completed' | 'compensated' | 'refunded'

export interface SagaMove {
  /** The state after the input: the same one for an input handled in place. */
  to: SagaState
  /** The command sent with the move (the refund's reason is the one the saga keeps). */
  send?: 'REFUND'
  /** Why the money goes back: the reason the refund command carries from now on. */
  refundReason?: RefundReason
  /** Reached an end worth counting. */
  outcome?: SagaOutcome
}

export type SagaDecision = ({ kind: 'MOVE' } & SagaMove) | { kind: 'DROP' }

/**
 * Every input not listed for a state is dropped: a reply for a step the saga has left (a charge
 * arriving after the timeout sent the refund, which already covers that money), a duplicate of
 * one already applied, a cancel racing a reply that won.
 */
export const TRANSITIONS: Record<SagaState, Partial<Record<SagaInput, SagaMove>>> = {
  PAYMENT_REQUESTED: {
    CHARGE_SUCCEEDED: { to: 'COMPLETED', outcome: 'completed' },
    CHARGE_FAILED: { to: 'COMPENSATED', outcome: 'compensated' },
    APPROVAL_REQUIRED: { to: 'PAYMENT_REQUESTED' },
    // The charge may be on its way: the refund command voids it or gives it back.
    PAYMENT_TIMEOUT: { to: 'COMPENSATING', send: 'REFUND', refundReason: 'PAYMENT_TIMEOUT' },
    BUYER_CANCELLED: { to: 'COMPENSATING', send: 'REFUND', refundReason: 'BUYER_CANCELLED' },
  },
  COMPLETED: {
    BUYER_CANCELLED: { to: 'COMPENSATING', send: 'REFUND', refundReason: 'BUYER_CANCELLED' },
    RETURNED: { to: 'COMPENSATING', send: 'REFUND', refundReason: 'RETURNED' },
  },
  COMPENSATING: {
    REFUNDED: { to: 'COMPENSATED', outcome: 'refunded' },
    VOIDED: { to: 'COMPENSATED', outcome: 'compensated' },
    RESEND: { to: 'COMPENSATING', send: 'REFUND' },
  },
  COMPENSATED: {},
}

export function decideSaga(state: SagaState, input: SagaInput): SagaDecision {
  const move = TRANSITIONS[state][input]
  return move ? { kind: 'MOVE', ...move } : { kind: 'DROP' }
}

/** States the saga waits in for the payment service; the others are ends. */
export const WAITING_STATES: SagaState[] = ['PAYMENT_REQUESTED', 'COMPENSATING']
