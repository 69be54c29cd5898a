// The order state machine: which step may move an order from which status to which, who takes
// the step, and the time windows of the buyer's cancel and return. Plain data and one function,
// so the rules are read (and tested) in one place; persistence lives in lifecycle-store.ts.
import type { OrderStatus } from '@deals/contracts'
import type { DomainErrorFactory } from '@deals/service-kit'
import {
  CancelWindowClosed,
  OrderNotPayable,
  OrderStatusConflict,
  ReturnWindowClosed,
} from './lifecycle-errors.ts'

export type LifecycleStep =
  | 'PAY'
  | 'FAIL_PAYMENT'
  | 'CANCEL'
  | 'SHIP'
  | 'DELIVER'
  | 'REQUEST_RETURN'
  | 'APPROVE_RETURN'
  | 'REJECT_RETURN'

/** Who takes a step: the purchase saga, the order's buyer, its seller, or the delivery schedule. */
export type LifecycleActor = 'PAYMENT' | 'BUYER' | 'SELLER' | 'SCHEDULE'

export const DAY_MS = 24 * 3600 * 1000

interface Window {
  /** The order's time the window opens at. */
  since: 'paidAt' | 'deliveredAt'
  withinMs: number
  closed: DomainErrorFactory
}

interface Rule {
  by: LifecycleActor
  to: OrderStatus
  /** The statuses the step starts from, each with the window it must be taken in (null: any time). */
  from: Partial<Record<OrderStatus, Window | null>>
  /** Statuses in which the step has already happened: taking it again changes nothing. */
  done: OrderStatus[]
  /** Refusals more telling than ORDER_STATUS_CONFLICT, by status. */
  refusals?: Partial<Record<OrderStatus, DomainErrorFactory>>
}

const AFTER_PAYMENT: OrderStatus[] = [
  'PAID',
  'SHIPPING',
  'DELIVERED',
  'RETURN_REQUESTED',
  'RETURNED',
  'RETURN_REJECTED',
]
const AFTER_SHIPPING: OrderStatus[] = [
  'SHIPPING',
  'DELIVERED',
  'RETURN_REQUESTED',
  'RETURNED',
  'RETURN_REJECTED',
]
const refuseAll = (statuses: OrderStatus[], error: DomainErrorFactory) =>
  Object.fromEntries(statuses.map((s) => [s, error])) as Partial<Record<OrderStatus, DomainErrorFactory>>

export const RULES: Record<LifecycleStep, Rule> = {
  PAY: {
    by: 'PAYMENT',
    to: 'PAID',
    from: { PENDING_PAYMENT: null },
    done: AFTER_PAYMENT,
    refusals: { CANCELLED: OrderNotPayable },
  },
  FAIL_PAYMENT: {
    by: 'PAYMENT',
    to: 'CANCELLED',
    from: { PENDING_PAYMENT: null },
    done: ['CANCELLED'],
  },
  CANCEL: {
    by: 'BUYER',
    to: 'CANCELLED',
    from: {
      PENDING_PAYMENT: null,
      PAID: { since: 'paidAt', withinMs: DAY_MS, closed: CancelWindowClosed },
    },
    done: ['CANCELLED'],
    refusals: refuseAll(AFTER_SHIPPING, CancelWindowClosed),
  },
  SHIP: { by: 'SCHEDULE', to: 'SHIPPING', from: { PAID: null }, done: AFTER_SHIPPING },
  DELIVER: {
    by: 'SCHEDULE',
    to: 'DELIVERED',
    from: { SHIPPING: null },
    done: ['DELIVERED', 'RETURN_REQUESTED', 'RETURNED', 'RETURN_REJECTED'],
  },
  REQUEST_RETURN: {
    by: 'BUYER',
    to: 'RETURN_REQUESTED',
    from: { DELIVERED: { since: 'deliveredAt', withinMs: DAY_MS, closed: ReturnWindowClosed } },
    done: ['RETURN_REQUESTED'],
  },
  APPROVE_RETURN: { by: 'SELLER', to: 'RETURNED', from: { RETURN_REQUESTED: null }, done: ['RETURNED'] },
  REJECT_RETURN: {
    by: 'SELLER',
    to: 'RETURN_REJECTED',
    from: { RETURN_REQUESTED: null },
    done: ['RETURN_REJECTED'],
  },
}

export interface OrderMoment {
  status: OrderStatus
  paidAt: Date | null
  deliveredAt: Date | null
}

export type Decision = { kind: 'MOVE'; from: OrderStatus; to: OrderStatus } | { kind: 'DONE' }

/** What taking `step` at `now` does to an order in `order.status`; throws the refusal. */
export function decide(order: OrderMoment, step: LifecycleStep, now: Date): Decision {
  const rule = RULES[step]
  if (rule.done.includes(order.status)) return { kind: 'DONE' }
  const window = rule.from[order.status]
  if (window === undefined) {
    const refusal = rule.refusals?.[order.status] ?? OrderStatusConflict
    throw refusal(undefined, { orderStatus: order.status })
  }
  if (window) {
    const since = order[window.since]
    if (!since || now.getTime() - since.getTime() >= window.withinMs)
      throw window.closed(undefined, { orderStatus: order.status })
  }
  return { kind: 'MOVE', from: order.status, to: rule.to }
}
