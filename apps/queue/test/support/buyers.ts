// Filling a waiting room with buyers and watching who gets in, for the admission tests.
import assert from 'node:assert/strict'
import type { Identity } from '@deals/contracts'
import { buyerIdentity } from '@deals/contracts/testing'
import { dealKeys } from '../../src/domain/waiting-room/queue-keys.ts'
import { client, type TestQueueApp } from './test-queue-app.ts'

/** Enters `count` new buyers one after the other; returns them in arrival order. */
export async function enterBuyers(t: TestQueueApp, dealId: string, count: number): Promise<Identity[]> {
  const call = client(t)
  const buyers: Identity[] = []
  for (let i = 0; i < count; i++) {
    const as = buyerIdentity()
    const res = await call('POST', `/deals/${dealId}/entries`, { as, ip: `10.${i >> 8}.${i & 255}.1` })
    assert.equal(res.statusCode, 200, res.body)
    buyers.push(as)
  }
  return buyers
}

/** The buyers in line, first to last. */
export const waitingOrder = (t: TestQueueApp, dealId: string) =>
  t.redis.zrange(dealKeys(dealId).waiting, 0, -1)

/** The buyers admitted and not expired. */
export const admittedNow = (t: TestQueueApp, dealId: string) =>
  t.redis.zrangebyscore(dealKeys(dealId).admitted, Date.now(), '+inf')

/**
 * Samples the admitted set every 25 ms for `ms` and returns when each buyer was first seen
 * admitted, relative to the start of the sampling, in ms.
 */
export async function sampleAdmissions(
  t: TestQueueApp,
  dealId: string,
  ms: number,
): Promise<Map<string, number>> {
  const seen = new Map<string, number>()
  const start = Date.now()
  while (Date.now() - start < ms) {
    for (const userId of await t.redis.zrange(dealKeys(dealId).admitted, 0, -1))
      if (!seen.has(userId)) seen.set(userId, Date.now() - start)
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
  return seen
}

/** The most admissions first seen within any window of `windowMs`. */
export function busiestWindow(firstSeen: Map<string, number>, windowMs: number): number {
  const times = [...firstSeen.values()].sort((a, b) => a - b)
  let most = 0
  for (let i = 0, j = 0; i < times.length; i++) {
    while (times[i]! - times[j]! >= windowMs) j++
    most = Math.max(most, i - j + 1)
  }
  return most
}
