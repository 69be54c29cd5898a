import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { DomainError } from '@deals/service-kit'
import { checkPartyTimes } from '../../src/domain/parties/party-terms.ts'

describe('party times', () => {
  const now = new Date('2026-11-21T09:00:00Z')
  const at = (minutes: number) => new Date(now.getTime() + minutes * 60_000)
  const refused = (fn: () => void) =>
    assert.throws(fn, (error) => error instanceof DomainError && error.code === 'BAD_PARTY_TIMES')

  test('a deadline ahead of now and before the meeting is accepted', () => {
    checkPartyTimes({ deadline: at(1), meetAt: at(2) }, now)
  })

  test('a deadline now or in the past is refused', () => {
    refused(() => checkPartyTimes({ deadline: now, meetAt: at(60) }, now))
    refused(() => checkPartyTimes({ deadline: at(-1), meetAt: at(60) }, now))
  })

  test('a deadline at or after the meeting is refused', () => {
    refused(() => checkPartyTimes({ deadline: at(60), meetAt: at(60) }, now))
    refused(() => checkPartyTimes({ deadline: at(61), meetAt: at(60) }, now))
  })
})
