// The purchase saga's messages between the order service (the orchestrator) and the payment
// service. Commands ask the payment service to act on one order; replies tell the saga what
// happened. Both travel through the outbox and the inbox like every domain event, so each is
// delivered at least once and applied once. The payment service keeps one payment per order and
// answers a repeated command with the payment's current outcome, which is what lets the saga
// resend a command it has waited on too long.
import { z } from 'zod'
import { defineEvent } from './envelope.ts'
import { paymentMethodSchema } from './order.ts'

/** Why the saga asks for an order's money back (or for it never to be taken). */
export const REFUND_REASONS = ['EXPIRED', 'PAYMENT_TIMEOUT', 'BUYER_CANCELLED', 'RETURNED'] as const
export const refundReasonSchema = z.enum(REFUND_REASONS)
export type RefundReason = z.infer<typeof refundReasonSchema>

/** Why a charge did not happen; the saga cancels the order either way. */
export const CHARGE_FAILURE_CODES = [
  'INSUFFICIENT_BALANCE',
  'PROVIDER_DECLINED',
  'APPROVAL_EXPIRED',
  /** A refund request for the order arrived first: the order is no longer payable. */
  'ORDER_VOIDED',
] as const
export const chargeFailureCodeSchema = z.enum(CHARGE_FAILURE_CODES)
export type ChargeFailureCode = z.infer<typeof chargeFailureCodeSchema>

const orderMoney = {
  orderId: z.uuid(),
  /** The buyer, whose wallet is debited or who approves at the provider. */
  userId: z.uuid(),
  sellerId: z.uuid(),
  /** Whole won. */
  amount: z.number().int().positive(),
}

// Commands: order -> payment.

/**
 * Take the order's amount. WALLET: the wallet is debited now. PG: the payment is readied at the
 * provider and waits for the buyer's approval until `payBy`.
 */
export const paymentChargeRequestedV1 = defineEvent(
  'payment.charge-requested.v1',
  z.object({
    ...orderMoney,
    method: paymentMethodSchema,
    productName: z.string(),
    /** After this the order is no longer payable; the saga then asks for a refund. */
    payBy: z.iso.datetime(),
    requestedAt: z.iso.datetime(),
  }),
)

/**
 * Make sure the order's money is not kept: refund what was charged, or void the payment so that a
 * charge still on its way is refused. Safe to send whatever the payment's state; sent again, it
 * changes nothing.
 */
export const paymentRefundRequestedV1 = defineEvent(
  'payment.refund-requested.v1',
  z.object({ ...orderMoney, reason: refundReasonSchema, requestedAt: z.iso.datetime() }),
)

// Replies: payment -> order.

/** The money was taken; the saga marks the order PAID. */
export const paymentChargeSucceededV1 = defineEvent(
  'payment.charge-succeeded.v1',
  z.object({
    ...orderMoney,
    paymentId: z.uuid(),
    method: paymentMethodSchema,
    paidAt: z.iso.datetime(),
  }),
)

/** Nothing was taken and nothing will be for this order; the saga cancels it. */
export const paymentChargeFailedV1 = defineEvent(
  'payment.charge-failed.v1',
  z.object({
    orderId: z.uuid(),
    userId: z.uuid(),
    paymentId: z.uuid().nullable(),
    code: chargeFailureCodeSchema,
    message: z.string(),
    failedAt: z.iso.datetime(),
  }),
)

/** A PG payment is ready at the provider and waits for the buyer's approval. */
export const paymentApprovalRequiredV1 = defineEvent(
  'payment.approval-required.v1',
  z.object({
    orderId: z.uuid(),
    userId: z.uuid(),
    paymentId: z.uuid(),
    /** Where the buyer approves at the provider. */
    redirectUrl: z.url(),
    payBy: z.iso.datetime(),
  }),
)

/** The order's money is back with the buyer (REFUNDED) or was never taken (VOIDED). */
export const paymentRefundCompletedV1 = defineEvent(
  'payment.refund-completed.v1',
  z.object({
    orderId: z.uuid(),
    userId: z.uuid(),
    paymentId: z.uuid().nullable(),
    outcome: z.enum(['REFUNDED', 'VOIDED']),
    /** Whole won returned; 0 when VOIDED. */
    refundedAmount: z.number().int().nonnegative(),
    reason: refundReasonSchema,
    completedAt: z.iso.datetime(),
  }),
)

/** A seller's settlement for a day was computed (or recomputed with the same result). */
export const paymentSettlementCompletedV1 = defineEvent(
  'payment.settlement-completed.v1',
  z.object({
    sellerId: z.uuid(),
    /** The settled day, `YYYY-MM-DD` in the settlement time zone. */
    date: z.iso.date(),
    grossAmount: z.number().int().nonnegative(),
    refundedAmount: z.number().int().nonnegative(),
    netAmount: z.number().int(),
    computedAt: z.iso.datetime(),
  }),
)

export const PAYMENT_COMMANDS = [paymentChargeRequestedV1, paymentRefundRequestedV1] as const
export const PAYMENT_REPLIES = [
  paymentChargeSucceededV1,
  paymentChargeFailedV1,
  paymentApprovalRequiredV1,
  paymentRefundCompletedV1,
] as const

// Party share payments: party -> payment commands and their replies. A filled party's members each
// pay their share from their wallet into the party's escrow; when every share of a payment round
// is in, the escrow is released to the leader's wallet; when a round is abandoned (a member could
// not pay, left, or the party was cancelled) every share of it is refunded or voided. One share
// payment per `shareId`; a repeated command answers with the share's current outcome.

const shareRef = {
  shareId: z.uuid(),
  /** The party's payment round the share belongs to (a party that reopens and fills again has a new one). */
  roundId: z.uuid(),
  partyId: z.uuid(),
  /** The member who pays the share. */
  userId: z.uuid(),
}

/** Why the party asks for a share back (or for it never to be taken). */
export const SHARE_REFUND_REASONS = ['MEMBER_PAYMENT_FAILED', 'MEMBER_LEFT', 'PARTY_CANCELLED'] as const
export const shareRefundReasonSchema = z.enum(SHARE_REFUND_REASONS)
export type ShareRefundReason = z.infer<typeof shareRefundReasonSchema>

export const SHARE_CHARGE_FAILURE_CODES = [
  'INSUFFICIENT_BALANCE',
  /** A refund request for the share arrived first: it is no longer payable. */
  'SHARE_VOIDED',
] as const
export const shareChargeFailureCodeSchema = z.enum(SHARE_CHARGE_FAILURE_CODES)
export type ShareChargeFailureCode = z.infer<typeof shareChargeFailureCodeSchema>

/** Debit the member's wallet into the party's escrow. */
export const paymentShareChargeRequestedV1 = defineEvent(
  'payment.share-charge-requested.v1',
  z.object({
    ...shareRef,
    /** The party's leader, who receives the shares when the round is released. */
    leaderId: z.uuid(),
    /** Whole won. */
    amount: z.number().int().positive(),
    requestedAt: z.iso.datetime(),
  }),
)

/** Give the share back from the escrow, or void it so that a charge still on its way is refused. */
export const paymentShareRefundRequestedV1 = defineEvent(
  'payment.share-refund-requested.v1',
  z.object({ ...shareRef, reason: shareRefundReasonSchema, requestedAt: z.iso.datetime() }),
)

/** Every share of the round is in: move them from the escrow to the leader's wallet. */
export const paymentShareReleaseRequestedV1 = defineEvent(
  'payment.share-release-requested.v1',
  z.object({
    roundId: z.uuid(),
    partyId: z.uuid(),
    leaderId: z.uuid(),
    shareIds: z.array(z.uuid()).min(1),
    requestedAt: z.iso.datetime(),
  }),
)

export const paymentShareChargedV1 = defineEvent(
  'payment.share-charged.v1',
  z.object({ ...shareRef, amount: z.number().int().positive(), chargedAt: z.iso.datetime() }),
)

/** Nothing was taken for the share and nothing will be. */
export const paymentShareChargeFailedV1 = defineEvent(
  'payment.share-charge-failed.v1',
  z.object({
    ...shareRef,
    code: shareChargeFailureCodeSchema,
    message: z.string(),
    failedAt: z.iso.datetime(),
  }),
)

/**
 * The share is back in the member's wallet (REFUNDED), was never taken (VOIDED), or had already
 * been released to the leader and stays there (RELEASED, nothing returned).
 */
export const paymentShareRefundedV1 = defineEvent(
  'payment.share-refunded.v1',
  z.object({
    ...shareRef,
    outcome: z.enum(['REFUNDED', 'VOIDED', 'RELEASED']),
    /** Whole won returned; 0 when VOIDED. */
    refundedAmount: z.number().int().nonnegative(),
    completedAt: z.iso.datetime(),
  }),
)

/** The round's shares are in the leader's wallet. `shareIds` are the shares released. */
export const paymentShareReleasedV1 = defineEvent(
  'payment.share-released.v1',
  z.object({
    roundId: z.uuid(),
    partyId: z.uuid(),
    leaderId: z.uuid(),
    shareIds: z.array(z.uuid()),
    /** Whole won moved to the leader. */
    amount: z.number().int().nonnegative(),
    releasedAt: z.iso.datetime(),
  }),
)

export const SHARE_PAYMENT_COMMANDS = [
  paymentShareChargeRequestedV1,
  paymentShareRefundRequestedV1,
  paymentShareReleaseRequestedV1,
] as const
export const SHARE_PAYMENT_REPLIES = [
  paymentShareChargedV1,
  paymentShareChargeFailedV1,
  paymentShareRefundedV1,
  paymentShareReleasedV1,
] as const
