// The payment service's view of an external payment gateway (PG), modelled on the common Korean
// PG flow: ready (the provider opens a payment page) -> the buyer approves there and comes back
// with a one-time token -> approve (the money is taken) -> cancel (refund, whole or part).
// Every call carries an idempotency key, so a retry after a timeout cannot take the money twice.

export type ProviderPaymentStatus = 'READY' | 'APPROVED' | 'CANCELLED' | 'FAILED' | 'EXPIRED'

export interface ReadyRequest {
  /** Our payment id; the provider echoes it as its `partnerOrderId`. */
  paymentId: string
  orderId: string
  /** Whole won. */
  amount: number
  itemName: string
  buyerId: string
  idempotencyKey: string
}

export interface ReadyResult {
  /** The provider's transaction id for this payment. */
  tid: string
  /** The provider page where the buyer approves. */
  redirectUrl: string
}

export interface ApproveRequest {
  tid: string
  /** The one-time token the buyer brings back from the provider page. */
  pgToken: string
  amount: number
  idempotencyKey: string
}

export interface ApproveResult {
  tid: string
  amount: number
  approvedAt: Date
}

export interface CancelRequest {
  tid: string
  /** Whole won to give back. */
  amount: number
  reason: string
  idempotencyKey: string
}

export interface CancelResult {
  tid: string
  cancelledAmount: number
  /** Total given back on this payment so far. */
  totalCancelledAmount: number
  cancelledAt: Date
}

export interface ProviderPayment {
  tid: string
  paymentId: string
  status: ProviderPaymentStatus
  amount: number
  cancelledAmount: number
  approvedAt: Date | null
}

export interface PaymentProvider {
  ready(request: ReadyRequest): Promise<ReadyResult>
  approve(request: ApproveRequest): Promise<ApproveResult>
  cancel(request: CancelRequest): Promise<CancelResult>
  /** The provider's record of a payment: the way to learn how a call that timed out ended. */
  lookup(tid: string): Promise<ProviderPayment>
}

/** The provider said no (a declined card, a bad token, an amount mismatch): retrying will not help. */
export class ProviderDeclined extends Error {
  constructor(
    readonly providerCode: string,
    message: string,
  ) {
    super(message)
    this.name = 'ProviderDeclined'
  }
}

/**
 * The provider did not answer in time or answered 5xx after the client's retries. The call's
 * outcome is unknown: the caller must `lookup` (or retry with the same idempotency key) later.
 */
export class ProviderUnavailable extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = 'ProviderUnavailable'
  }
}
