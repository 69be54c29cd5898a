// The simulated provider's payments and their rules: ready -> the buyer authorizes (one-time
// pg_token) -> approve (money taken once) -> cancel in parts, never more than was approved.
import { randomBytes } from 'node:crypto'

export type PaymentStatus = 'READY' | 'APPROVED' | 'CANCELLED' | 'FAILED' | 'EXPIRED'

export interface CancelRecord {
  amount: number
  reason: string
  cancelled_at: string
}

/** A payment as the provider reports it (snake_case, like the API). */
export interface PaymentRecord {
  tid: string
  partner_order_id: string
  partner_user_id: string
  item_name: string
  total_amount: number
  status: PaymentStatus
  cancelled_amount: number
  created_at: string
  authorized_at: string | null
  approved_at: string | null
  failed_at: string | null
  cancels: CancelRecord[]
}

/** A definite answer from the provider: a status and a stable code, like a real PG's error body. */
export class ProviderError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message)
  }
}

interface Payment extends PaymentRecord {
  pgToken: string | null
  expiresAt: number
}

export interface ReadyInput {
  partner_order_id: string
  partner_user_id: string
  item_name: string
  total_amount: number
}

export class PaymentBook {
  readonly #payments = new Map<string, Payment>()

  constructor(
    private readonly readyTtlMs: () => number,
    private readonly now: () => Date = () => new Date(),
  ) {}

  ready(input: ReadyInput): Payment {
    // Like Toss's duplicate order id check: one live payment per merchant order, so a client
    // that lost a ready answer and asks again under a new key cannot end up charging twice.
    for (const other of this.#payments.values()) {
      if (other.partner_order_id !== input.partner_order_id) continue
      const status = this.#refresh(other).status
      if (status !== 'FAILED' && status !== 'EXPIRED')
        throw new ProviderError(
          409,
          'DUPLICATE_PARTNER_ORDER_ID',
          `partner_order_id ${input.partner_order_id} already has payment ${other.tid} (${status})`,
        )
    }
    const now = this.now()
    const payment: Payment = {
      tid: `T${randomBytes(10).toString('hex')}`,
      ...input,
      status: 'READY',
      cancelled_amount: 0,
      created_at: now.toISOString(),
      authorized_at: null,
      approved_at: null,
      failed_at: null,
      cancels: [],
      pgToken: null,
      expiresAt: now.getTime() + this.readyTtlMs(),
    }
    this.#payments.set(payment.tid, payment)
    return payment
  }

  /** What the provider page hands the buyer who approves: the same token until it is used. */
  authorize(tid: string): string {
    const payment = this.#find(tid)
    if (payment.status !== 'READY')
      throw new ProviderError(409, 'INVALID_PAYMENT_STATUS', `payment ${tid} is ${payment.status}`)
    if (!payment.pgToken) {
      payment.pgToken = randomBytes(10).toString('hex')
      payment.authorized_at = this.now().toISOString()
    }
    return payment.pgToken
  }

  approve(input: { tid: string; pg_token: string; total_amount: number }, declined: () => boolean): Payment {
    const payment = this.#find(input.tid)
    if (payment.status === 'APPROVED' || payment.status === 'CANCELLED')
      throw new ProviderError(409, 'ALREADY_APPROVED', `payment ${payment.tid} is already approved`)
    if (payment.status !== 'READY')
      throw new ProviderError(409, 'INVALID_PAYMENT_STATUS', `payment ${payment.tid} is ${payment.status}`)
    if (!payment.pgToken || payment.pgToken !== input.pg_token)
      throw new ProviderError(400, 'INVALID_PG_TOKEN', 'the pg_token does not match an authorization')
    if (input.total_amount !== payment.total_amount)
      throw new ProviderError(
        400,
        'AMOUNT_MISMATCH',
        `total_amount ${input.total_amount} differs from the ready amount ${payment.total_amount}`,
      )
    if (declined()) {
      payment.status = 'FAILED'
      payment.failed_at = this.now().toISOString()
      throw new ProviderError(402, 'CARD_DECLINED', 'the card issuer declined the payment')
    }
    payment.status = 'APPROVED'
    payment.approved_at = this.now().toISOString()
    return payment
  }

  cancel(input: { tid: string; cancel_amount: number; reason: string }): {
    payment: Payment
    cancel: CancelRecord
  } {
    const payment = this.#find(input.tid)
    if (payment.status === 'CANCELLED')
      throw new ProviderError(409, 'ALREADY_CANCELLED', `payment ${payment.tid} is fully cancelled`)
    if (payment.status !== 'APPROVED')
      throw new ProviderError(409, 'NOT_APPROVED', `payment ${payment.tid} is ${payment.status}`)
    const remaining = payment.total_amount - payment.cancelled_amount
    if (input.cancel_amount > remaining)
      throw new ProviderError(
        400,
        'CANCEL_AMOUNT_EXCEEDED',
        `cancel_amount ${input.cancel_amount} exceeds the ${remaining} left to cancel`,
      )
    const cancel = {
      amount: input.cancel_amount,
      reason: input.reason,
      cancelled_at: this.now().toISOString(),
    }
    payment.cancels.push(cancel)
    payment.cancelled_amount += input.cancel_amount
    if (payment.cancelled_amount === payment.total_amount) payment.status = 'CANCELLED'
    return { payment, cancel }
  }

  get(tid: string): PaymentRecord {
    return record(this.#find(tid))
  }

  list(filter: { partnerOrderId?: string } = {}): PaymentRecord[] {
    return [...this.#payments.values()]
      .filter((p) => filter.partnerOrderId === undefined || p.partner_order_id === filter.partnerOrderId)
      .map((p) => record(this.#refresh(p)))
  }

  clear(): void {
    this.#payments.clear()
  }

  #find(tid: string): Payment {
    const payment = this.#payments.get(tid)
    if (!payment) throw new ProviderError(404, 'PAYMENT_NOT_FOUND', `no payment ${tid}`)
    return this.#refresh(payment)
  }

  #refresh(payment: Payment): Payment {
    if (payment.status === 'READY' && this.now().getTime() >= payment.expiresAt) payment.status = 'EXPIRED'
    return payment
  }
}

function record(payment: Payment): PaymentRecord {
  const { pgToken: _token, expiresAt: _expires, ...rest } = payment
  return { ...rest, cancels: rest.cancels.map((c) => ({ ...c })) }
}
