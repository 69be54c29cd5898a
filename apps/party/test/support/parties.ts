// Party fixtures: sensible terms a test overrides where it matters, and a party made through the API.
import assert from 'node:assert/strict'
import type { Identity } from '@deals/contracts'
import { buyerIdentity } from '@deals/contracts/testing'
import { client, type TestPartyApp } from './test-party-app.ts'

export const MINUTE = 60_000

export function partyTerms(marketId: string, overrides: Record<string, unknown> = {}) {
  const now = Date.now()
  return {
    marketId,
    title: '대파 한 단 나눠요',
    itemName: '대파',
    capacity: 4,
    pricePerPerson: 1_500,
    deadline: new Date(now + 60 * MINUTE).toISOString(),
    meetAt: new Date(now + 120 * MINUTE).toISOString(),
    ...overrides,
  }
}

export interface MadeParty {
  id: string
  leader: Identity
  capacity: number
  status: string
  memberCount: number
}

/** Creates a party through the API as `leader` (a new buyer unless given). */
export async function makeParty(
  t: TestPartyApp,
  marketId: string,
  overrides: Record<string, unknown> = {},
  leader: Identity = buyerIdentity(),
): Promise<MadeParty> {
  const response = await client(t)('POST', '/parties', { as: leader, body: partyTerms(marketId, overrides) })
  assert.equal(response.statusCode, 201, response.body)
  return { ...response.json(), leader }
}

/** Joins `party` as each of `members` through the API, asserting each join succeeds. */
export async function joinAll(t: TestPartyApp, partyId: string, members: Identity[]): Promise<void> {
  for (const member of members) {
    const response = await client(t)('POST', `/parties/${partyId}/join`, { as: member })
    assert.equal(response.statusCode, 200, response.body)
  }
}
