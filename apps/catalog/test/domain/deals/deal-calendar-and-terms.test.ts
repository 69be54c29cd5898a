import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { seoulDayStart, seoulThisWeek, seoulToday } from '../../../src/domain/deals/seoul-calendar.ts'
import { statusByTime } from '../../../src/domain/deals/deal-status.ts'
import { announceTime, checkDealTerms, type DealTerms } from '../../../src/domain/deals/deal-terms.ts'

const at = (iso: string) => new Date(iso)

describe('Seoul calendar windows', () => {
  test('a day starts at midnight in Seoul, 15:00 UTC the day before', () => {
    assert.equal(seoulDayStart(at('2026-11-21T14:59:59Z')).toISOString(), '2026-11-20T15:00:00.000Z')
    assert.equal(seoulDayStart(at('2026-11-21T15:00:00Z')).toISOString(), '2026-11-21T15:00:00.000Z')
    assert.deepEqual(seoulToday(at('2026-11-21T03:00:00Z')), {
      from: at('2026-11-20T15:00:00Z'),
      to: at('2026-11-21T15:00:00Z'),
    })
  })

  test('a week runs Monday to Sunday in Seoul', () => {
    // Sunday 23:30 in Seoul is still the week that began on Monday the 16th.
    const sundayNight = at('2026-11-22T14:30:00Z')
    assert.deepEqual(seoulThisWeek(sundayNight), {
      from: at('2026-11-15T15:00:00Z'),
      to: at('2026-11-22T15:00:00Z'),
    })
    // Half an hour later it is Monday the 23rd in Seoul: a new week.
    assert.equal(seoulThisWeek(at('2026-11-22T15:30:00Z')).from.toISOString(), '2026-11-22T15:00:00.000Z')
  })
})

describe('deal times and terms', () => {
  const now = at('2026-11-21T00:00:00Z')
  const timing = { minLeadSeconds: 0, announceLeadSeconds: 3600 }
  const terms = (overrides: Partial<DealTerms> = {}): DealTerms => ({
    dealPrice: 9_000,
    quantity: 10,
    perUserLimit: 2,
    startsAt: at('2026-11-21T02:00:00Z'),
    endsAt: at('2026-11-21T03:00:00Z'),
    queueRequired: false,
    ...overrides,
  })

  test('the status follows the times: hidden, scheduled, open, ended', () => {
    const deal = {
      announceAt: at('2026-11-21T01:00:00Z'),
      startsAt: at('2026-11-21T02:00:00Z'),
      endsAt: at('2026-11-21T03:00:00Z'),
    }
    assert.equal(statusByTime(deal, at('2026-11-21T00:59:59.999Z')), 'HIDDEN')
    assert.equal(statusByTime(deal, deal.announceAt), 'SCHEDULED')
    assert.equal(statusByTime(deal, deal.startsAt), 'OPEN')
    assert.equal(statusByTime(deal, deal.endsAt), 'ENDED')
  })

  test('a deal is announced its lead time before the start, or at once when that has passed', () => {
    assert.equal(
      announceTime(at('2026-11-21T02:00:00Z'), timing, now).toISOString(),
      '2026-11-21T01:00:00.000Z',
    )
    assert.equal(announceTime(at('2026-11-21T00:10:00Z'), timing, now).toISOString(), now.toISOString())
  })

  test('the terms must fit the price, the quantity, the lead time and the 7-day limit', () => {
    assert.doesNotThrow(() => checkDealTerms(terms(), 10_000, timing, now))
    const refused = (t: DealTerms, t2 = timing) => {
      try {
        checkDealTerms(t, 10_000, t2, now)
        return 'accepted'
      } catch (error) {
        return (error as { code: string }).code
      }
    }
    assert.equal(refused(terms({ dealPrice: 10_000 })), 'INVALID_DEAL_PRICE')
    assert.equal(refused(terms({ perUserLimit: 11 })), 'INVALID_DEAL_LIMIT')
    assert.equal(refused(terms({ perUserLimit: 0 })), 'INVALID_DEAL_LIMIT')
    assert.equal(refused(terms({ startsAt: at('2026-11-20T23:59:59Z') })), 'INVALID_DEAL_TIMES')
    assert.equal(refused(terms(), { ...timing, minLeadSeconds: 3 * 3600 }), 'INVALID_DEAL_TIMES')
    assert.equal(refused(terms({ endsAt: at('2026-11-21T02:00:00Z') })), 'INVALID_DEAL_TIMES')
    assert.equal(refused(terms({ endsAt: at('2026-11-28T02:00:00Z') })), 'accepted')
    assert.equal(refused(terms({ endsAt: at('2026-11-28T02:00:00.001Z') })), 'INVALID_DEAL_TIMES')
  })
})
