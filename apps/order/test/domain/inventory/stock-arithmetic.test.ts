// The stock a deal must have, given its orders: what a rebuild writes back to Redis.
import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { stockFromOrders, type OrderUnits } from '../../../src/domain/inventory/stock-arithmetic.ts'

const deal = {
  version: 3,
  status: 'OPEN',
  quantity: 10,
  perUserLimit: 2,
  startsAt: new Date('2026-11-21T10:00:00Z'),
  endsAt: new Date('2026-11-21T11:00:00Z'),
  queueRequired: true,
}
const deadline = new Date('2026-11-21T10:10:00Z')
const order = (id: string, userId: string, quantity: number, status: string): OrderUnits => ({
  id,
  userId,
  quantity,
  status,
  reservationExpiresAt: deadline,
})

describe('stock from orders', () => {
  test('pending orders are reserved, paid and later ones sold, cancelled ones back on sale', () => {
    const state = stockFromOrders(deal, [
      order('a', 'u1', 2, 'PENDING_PAYMENT'),
      order('b', 'u2', 1, 'PAID'),
      order('c', 'u2', 1, 'RETURNED'),
      order('d', 'u3', 2, 'CANCELLED'),
      order('e', 'u3', 1, 'DELIVERED'),
    ])
    assert.deepEqual(state.levels, { quantity: 10, remaining: 5, reserved: 2, sold: 3 })
    assert.deepEqual(state.holders, { u1: 2, u2: 2, u3: 1 })
    assert.deepEqual(state.reservations, [
      { id: 'a', userId: 'u1', quantity: 2, deadline: deadline.getTime() },
    ])
    assert.equal(state.terms.queueRequired, 1)
    assert.equal(state.terms.startsAt, deal.startsAt.getTime())
  })

  test('a deal with no orders has all its units remaining', () => {
    assert.deepEqual(stockFromOrders(deal, []).levels, { quantity: 10, remaining: 10, reserved: 0, sold: 0 })
  })

  test('orders beyond a lowered quantity raise it rather than leave remaining negative', () => {
    const state = stockFromOrders({ ...deal, quantity: 1 }, [order('a', 'u1', 2, 'PAID')])
    assert.deepEqual(state.levels, { quantity: 2, remaining: 0, reserved: 0, sold: 2 })
  })
})
