// The purchase saga's transition table, unit by unit: every state against every input.
import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import {
  decideSaga,
  SAGA_STATES,
  type SagaDecision,
  type SagaInput,
  type SagaState,
} from '../../../src/domain/saga/purchase-saga.ts'

const INPUTS: SagaInput[] = [
  'CHARGE_SUCCEEDED',
  'CHARGE_FAILED',
  'APPROVAL_REQUIRED',
  'REFUNDED',
  'VOIDED',
  'PAYMENT_TIMEOUT',
  'BUYER_CANCELLED',
  'RETURNED',
  'RESEND',
]

const DROP: SagaDecision = { kind: 'DROP' }

/** The whole table, written out: anything not here is dropped. */
const EXPECTED: Partial<Record<SagaState, Partial<Record<SagaInput, SagaDecision>>>> = {
  PAYMENT_REQUESTED: {
    CHARGE_SUCCEEDED: { kind: 'MOVE', to: 'COMPLETED', outcome: 'completed' },
    CHARGE_FAILED: { kind: 'MOVE', to: 'COMPENSATED', outcome: 'compensated' },
    APPROVAL_REQUIRED: { kind: 'MOVE', to: 'PAYMENT_REQUESTED' },
    PAYMENT_TIMEOUT: { kind: 'MOVE', to: 'COMPENSATING', send: 'REFUND', refundReason: 'PAYMENT_TIMEOUT' },
    BUYER_CANCELLED: { kind: 'MOVE', to: 'COMPENSATING', send: 'REFUND', refundReason: 'BUYER_CANCELLED' },
  },
  COMPLETED: {
    BUYER_CANCELLED: { kind: 'MOVE', to: 'COMPENSATING', send: 'REFUND', refundReason: 'BUYER_CANCELLED' },
    RETURNED: { kind: 'MOVE', to: 'COMPENSATING', send: 'REFUND', refundReason: 'RETURNED' },
  },
  COMPENSATING: {
    REFUNDED: { kind: 'MOVE', to: 'COMPENSATED', outcome: 'refunded' },
    VOIDED: { kind: 'MOVE', to: 'COMPENSATED', outcome: 'compensated' },
    RESEND: { kind: 'MOVE', to: 'COMPENSATING', send: 'REFUND' },
  },
}

describe('the purchase saga’s transitions', () => {
  for (const state of SAGA_STATES)
    for (const input of INPUTS) {
      const expected = EXPECTED[state]?.[input] ?? DROP
      const what = expected.kind === 'DROP' ? 'is dropped' : `moves to ${expected.to}`
      test(`${input} in ${state} ${what}`, () => {
        assert.deepEqual(decideSaga(state, input), expected)
      })
    }

  test('a charge arriving once compensation began is dropped: the refund command already covers it', () => {
    assert.deepEqual(decideSaga('COMPENSATING', 'CHARGE_SUCCEEDED'), DROP)
    assert.deepEqual(decideSaga('COMPENSATED', 'CHARGE_SUCCEEDED'), DROP)
  })

  test('every reply applied once leaves a state where the same reply is dropped (duplicates have no effect)', () => {
    for (const state of SAGA_STATES)
      for (const input of ['CHARGE_SUCCEEDED', 'CHARGE_FAILED', 'REFUNDED', 'VOIDED'] as const) {
        const first = decideSaga(state, input)
        if (first.kind === 'MOVE')
          assert.deepEqual(decideSaga(first.to, input), DROP, `${input} twice from ${state}`)
      }
  })

  test('COMPENSATED is the end: nothing moves it', () => {
    for (const input of INPUTS) assert.deepEqual(decideSaga('COMPENSATED', input), DROP)
  })
})
