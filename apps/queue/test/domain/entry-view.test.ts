import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { entryView, type RoomRead } from '../../src/domain/waiting-room/entry-view.ts'

const DEAL = '6f1c2f0e-6f6e-4c4e-9d6a-2b1f4b0f3a10'
const now = Date.parse('2026-11-21T12:00:00.000Z')

const read = (overrides: Partial<RoomRead>): RoomRead => ({
  outcome: 'WAITING',
  rank: 0,
  admittedUntil: -1,
  now,
  status: 'OPEN',
  startsAt: now - 60_000,
  endsAt: now + 3_600_000,
  soldOut: false,
  shuffled: true,
  rate: null,
  ...overrides,
})

describe('what a buyer is told about their entry', () => {
  test('after the opening: the place counts from 1 and the ETA is the place over the rate, rounded up', () => {
    assert.deepEqual(
      [0, 9, 10, 249]
        .map((rank) => entryView(DEAL, read({ rank }), 10))
        .map((e) => [e.position, e.etaSeconds]),
      [
        [1, 1],
        [10, 1],
        [11, 2],
        [250, 25],
      ],
    )
  })

  test('a deal’s own rate wins over the configured one', () => {
    assert.equal(entryView(DEAL, read({ rank: 99, rate: 50 }), 10).etaSeconds, 2)
  })

  test('before the opening: no place yet, the ETA is the time until the draw', () => {
    const entry = entryView(DEAL, read({ shuffled: false, startsAt: now + 90_500, rank: 3 }), 10)
    assert.deepEqual([entry.status, entry.position, entry.etaSeconds], ['WAITING', null, 91])
  })

  test('sold out keeps the place but gives no ETA; ended, suspended or past the end is CLOSED', () => {
    const soldOut = entryView(DEAL, read({ soldOut: true, rank: 4 }), 10)
    assert.deepEqual([soldOut.status, soldOut.position, soldOut.etaSeconds], ['SOLD_OUT', 5, null])
    for (const closed of [read({ status: 'ENDED' }), read({ status: 'SUSPENDED' }), read({ endsAt: now })])
      assert.equal(entryView(DEAL, closed, 10).status, 'CLOSED')
  })

  test('admitted: position 0, the token and its expiry', () => {
    const entry = entryView(DEAL, read({ outcome: 'ADMITTED', admittedUntil: now + 120_000 }), 10, 'token')
    assert.deepEqual(entry, {
      dealId: DEAL,
      status: 'ADMITTED',
      position: 0,
      etaSeconds: 0,
      opensAt: new Date(now - 60_000).toISOString(),
      admissionToken: 'token',
      expiresAt: new Date(now + 120_000).toISOString(),
    })
  })
})
