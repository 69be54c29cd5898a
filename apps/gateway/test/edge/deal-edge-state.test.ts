// What the edge believes of a deal follows the newest news: snapshots by version, stock news by
// the time the order service saw it, and nothing after it forgets.
import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { DealEdgeState } from '../../src/edge/deal-edge-state.ts'

const now = Date.parse('2026-11-21T12:00:00Z')
const iso = (offsetMs: number) => new Date(now + offsetMs).toISOString()
const deal = (overrides: Partial<Parameters<DealEdgeState['applyDeal']>[0]> = {}) => ({
  dealId: randomUUID(),
  version: 1,
  status: 'OPEN' as const,
  startsAt: iso(-60_000),
  endsAt: iso(3_600_000),
  ...overrides,
})

describe('deal edge state', () => {
  test('a deal it never heard of is never refused', () => {
    assert.equal(new DealEdgeState().refusal(randomUUID(), now), undefined)
  })

  test('not open before its start, at and after its end, and under any status but scheduled or open', () => {
    const state = new DealEdgeState()
    const upcoming = deal({ status: 'SCHEDULED', startsAt: iso(1_000) })
    state.applyDeal(upcoming)
    assert.equal(state.refusal(upcoming.dealId, now), 'DEAL_NOT_OPEN')
    assert.equal(
      state.refusal(upcoming.dealId, now + 1_000),
      undefined,
      'the order service decides from its start',
    )
    const ended = deal({ endsAt: iso(0) })
    state.applyDeal(ended)
    assert.equal(state.refusal(ended.dealId, now), 'DEAL_NOT_OPEN')
    for (const status of ['HIDDEN', 'ENDED', 'SUSPENDED'] as const) {
      const d = deal({ status })
      state.applyDeal(d)
      assert.equal(state.refusal(d.dealId, now), 'DEAL_NOT_OPEN', status)
    }
  })

  test('an older or repeated snapshot does not undo a newer one', () => {
    const state = new DealEdgeState()
    const opened = deal({ version: 3 })
    state.applyDeal(opened)
    state.applyDeal({ ...opened, version: 2, status: 'SUSPENDED' })
    state.applyDeal({ ...opened, version: 3, status: 'SUSPENDED' })
    assert.equal(state.refusal(opened.dealId, now), undefined)
    state.applyDeal({ ...opened, version: 4, status: 'SUSPENDED' })
    assert.equal(state.refusal(opened.dealId, now), 'DEAL_NOT_OPEN')
  })

  test('sold out until a later restock; older stock news arriving late changes nothing; a tie reopens', () => {
    const state = new DealEdgeState()
    const dealId = randomUUID()
    state.applySoldOut(dealId, now)
    assert.equal(state.refusal(dealId, now), 'SOLD_OUT')
    state.applyRestocked(dealId, now - 1)
    assert.equal(state.refusal(dealId, now), 'SOLD_OUT', 'a restock from before the sell-out')
    state.applyRestocked(dealId, now + 5)
    assert.equal(state.refusal(dealId, now), undefined)
    state.applySoldOut(dealId, now + 1)
    assert.equal(state.refusal(dealId, now), undefined, 'a sell-out from before the restock')
    state.applySoldOut(dealId, now + 10)
    state.applyRestocked(dealId, now + 10)
    assert.equal(state.refusal(dealId, now), undefined)
  })

  test('forgetting drops every deal and every sell-out', () => {
    const state = new DealEdgeState()
    const upcoming = deal({ startsAt: iso(60_000) })
    const soldOut = randomUUID()
    state.applyDeal(upcoming)
    state.applySoldOut(soldOut, now)
    state.forget()
    assert.equal(state.refusal(upcoming.dealId, now), undefined)
    assert.equal(state.refusal(soldOut, now), undefined)
  })

  test('bounded: the least recently used deals are dropped past the limit', () => {
    const state = new DealEdgeState(2)
    const [a, b, c] = [randomUUID(), randomUUID(), randomUUID()]
    state.applySoldOut(a, now)
    state.applySoldOut(b, now)
    state.applySoldOut(c, now)
    assert.equal(state.refusal(a, now), undefined)
    assert.equal(state.refusal(c, now), 'SOLD_OUT')
  })
})
