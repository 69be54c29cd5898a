// The order state machine alone: every step from every status, who takes it, and the windows.
import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { ORDER_STATUSES, type OrderStatus } from '@deals/contracts'
import { DomainError } from '@deals/service-kit'
import { DAY_MS, RULES, decide, type LifecycleStep } from '../../../src/domain/lifecycle/order-transitions.ts'

const now = new Date('2026-11-21T12:00:00Z')
const ago = (ms: number) => new Date(now.getTime() - ms)
const at = (status: OrderStatus, times: { paidAt?: Date; deliveredAt?: Date } = {}) => ({
  status,
  paidAt: times.paidAt ?? ago(3600_000),
  deliveredAt: times.deliveredAt ?? ago(3600_000),
})

const refusal = (step: LifecycleStep, order: ReturnType<typeof at>) => {
  try {
    decide(order, step, now)
  } catch (error) {
    assert.ok(error instanceof DomainError)
    return error.code
  }
  return 'ALLOWED'
}

/** What each step does from each status (an hour after payment and after delivery). */
const EXPECTED: Record<LifecycleStep, Partial<Record<OrderStatus, string>>> = {
  PAY: { PENDING_PAYMENT: 'PAID', CANCELLED: 'ORDER_NOT_PAYABLE' },
  FAIL_PAYMENT: { PENDING_PAYMENT: 'CANCELLED', CANCELLED: 'DONE' },
  CANCEL: {
    PENDING_PAYMENT: 'CANCELLED',
    PAID: 'CANCELLED',
    CANCELLED: 'DONE',
    SHIPPING: 'CANCEL_WINDOW_CLOSED',
    DELIVERED: 'CANCEL_WINDOW_CLOSED',
    RETURN_REQUESTED: 'CANCEL_WINDOW_CLOSED',
    RETURNED: 'CANCEL_WINDOW_CLOSED',
    RETURN_REJECTED: 'CANCEL_WINDOW_CLOSED',
  },
  SHIP: { PAID: 'SHIPPING', PENDING_PAYMENT: 'ORDER_STATUS_CONFLICT', CANCELLED: 'ORDER_STATUS_CONFLICT' },
  DELIVER: { SHIPPING: 'DELIVERED', PAID: 'ORDER_STATUS_CONFLICT', CANCELLED: 'ORDER_STATUS_CONFLICT' },
  REQUEST_RETURN: {
    DELIVERED: 'RETURN_REQUESTED',
    RETURN_REQUESTED: 'DONE',
    SHIPPING: 'ORDER_STATUS_CONFLICT',
    RETURNED: 'ORDER_STATUS_CONFLICT',
    RETURN_REJECTED: 'ORDER_STATUS_CONFLICT',
    CANCELLED: 'ORDER_STATUS_CONFLICT',
  },
  APPROVE_RETURN: {
    RETURN_REQUESTED: 'RETURNED',
    RETURNED: 'DONE',
    RETURN_REJECTED: 'ORDER_STATUS_CONFLICT',
    DELIVERED: 'ORDER_STATUS_CONFLICT',
  },
  REJECT_RETURN: {
    RETURN_REQUESTED: 'RETURN_REJECTED',
    RETURN_REJECTED: 'DONE',
    RETURNED: 'ORDER_STATUS_CONFLICT',
    DELIVERED: 'ORDER_STATUS_CONFLICT',
  },
}

describe('the order state machine', () => {
  for (const [step, cases] of Object.entries(EXPECTED) as [LifecycleStep, Record<string, string>][]) {
    test(`${step} from each status`, () => {
      for (const [status, expected] of Object.entries(cases)) {
        let outcome: string
        try {
          const decision = decide(at(status as OrderStatus), step, now)
          outcome = decision.kind === 'DONE' ? 'DONE' : decision.to
        } catch (error) {
          assert.ok(error instanceof DomainError, `${step} from ${status} throws a domain error`)
          outcome = error.code
        }
        assert.equal(outcome, expected, `${step} from ${status}`)
      }
    })
  }

  test('a step is taken only from the statuses its rule names, and every refusal is a 409', () => {
    for (const step of Object.keys(RULES) as LifecycleStep[]) {
      for (const status of ORDER_STATUSES) {
        const rule = RULES[step]
        try {
          decide(at(status), step, now)
          assert.ok(status in rule.from || rule.done.includes(status), `${step} from ${status}`)
        } catch (error) {
          assert.ok(error instanceof DomainError && error.status === 409, `${step} from ${status}`)
        }
      }
    }
  })

  test('who takes each step', () => {
    assert.deepEqual(Object.fromEntries(Object.entries(RULES).map(([step, rule]) => [step, rule.by])), {
      PAY: 'PAYMENT',
      FAIL_PAYMENT: 'PAYMENT',
      CANCEL: 'BUYER',
      SHIP: 'SCHEDULE',
      DELIVER: 'SCHEDULE',
      REQUEST_RETURN: 'BUYER',
      APPROVE_RETURN: 'SELLER',
      REJECT_RETURN: 'SELLER',
    })
  })

  test('a paid order can be cancelled until 24 hours after payment, not at 24 hours', () => {
    assert.equal(refusal('CANCEL', at('PAID', { paidAt: ago(DAY_MS - 1000) })), 'ALLOWED')
    assert.equal(refusal('CANCEL', at('PAID', { paidAt: ago(DAY_MS) })), 'CANCEL_WINDOW_CLOSED')
    assert.equal(refusal('CANCEL', at('PAID', { paidAt: ago(3 * DAY_MS) })), 'CANCEL_WINDOW_CLOSED')
  })

  test('a return can be asked until 24 hours after delivery, not at 24 hours', () => {
    assert.equal(refusal('REQUEST_RETURN', at('DELIVERED', { deliveredAt: ago(DAY_MS - 1000) })), 'ALLOWED')
    assert.equal(
      refusal('REQUEST_RETURN', at('DELIVERED', { deliveredAt: ago(DAY_MS) })),
      'RETURN_WINDOW_CLOSED',
    )
  })

  test('a refusal names the status the order is in', () => {
    assert.throws(
      () => decide(at('SHIPPING'), 'CANCEL', now),
      (error: unknown) => error instanceof DomainError && error.extra.orderStatus === 'SHIPPING',
    )
  })
})
