// A deal with `queueRequired` sells only to buyers the waiting room admitted: each admission token
// is for one buyer and one deal, short-lived, and good for one order.
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { createAdmissionSigner } from '@deals/admission'
import { buyerIdentity } from '@deals/contracts/testing'
import {
  client,
  purchase,
  seedDeal,
  startTestOrderApp,
  TEST_ADMISSION_SECRET,
  type TestOrderApp,
} from '../support/test-order-app.ts'

describe('admission tokens', () => {
  let t: TestOrderApp
  const signer = createAdmissionSigner(TEST_ADMISSION_SECRET)
  before(async () => {
    t = await startTestOrderApp({ LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent' })
  })
  after(() => t.close())

  const refusedWith = async (res: { statusCode: number; json(): { code: string } }) => {
    assert.equal(res.statusCode, 403)
    assert.equal(res.json().code, 'ADMISSION_REQUIRED')
  }

  test('without a token a queued deal refuses with 403 ADMISSION_REQUIRED', async () => {
    const deal = await seedDeal(t, { queueRequired: true })
    await refusedWith(await client(t)('POST', '/', { as: buyerIdentity(), ...purchase(deal) }))
  })

  test('a valid token works once; its second use is refused, even with another key', async () => {
    const deal = await seedDeal(t, { queueRequired: true, perUserLimit: 5 })
    const buyer = buyerIdentity()
    const { token } = await signer.sign({ userId: buyer.userId, dealId: deal.dealId, ttlSeconds: 30 })
    const first = await client(t)('POST', '/', { as: buyer, ...purchase(deal, { admissionToken: token }) })
    assert.equal(first.statusCode, 201, first.body)
    const again = await client(t)('POST', '/', { as: buyer, ...purchase(deal, { admissionToken: token }) })
    await refusedWith(again)
    assert.match(again.json<{ detail: string }>().detail, /already used/)
  })

  test('expired, forged, another buyer’s and another deal’s tokens are refused', async () => {
    const deal = await seedDeal(t, { queueRequired: true })
    const other = await seedDeal(t, { queueRequired: true })
    const buyer = buyerIdentity()
    const expired = await signer.sign({
      userId: buyer.userId,
      dealId: deal.dealId,
      ttlSeconds: 30,
      now: new Date(Date.now() - 120_000),
    })
    const forged = await createAdmissionSigner('a-different-secret-that-is-32-bytes-long!').sign({
      userId: buyer.userId,
      dealId: deal.dealId,
      ttlSeconds: 30,
    })
    const someoneElses = await signer.sign({
      userId: buyerIdentity().userId,
      dealId: deal.dealId,
      ttlSeconds: 30,
    })
    const otherDeal = await signer.sign({ userId: buyer.userId, dealId: other.dealId, ttlSeconds: 30 })
    for (const { token } of [expired, forged, someoneElses, otherDeal])
      await refusedWith(
        await client(t)('POST', '/', { as: buyer, ...purchase(deal, { admissionToken: token }) }),
      )
    await refusedWith(
      await client(t)('POST', '/', { as: buyer, ...purchase(deal, { admissionToken: 'not.a.token' }) }),
    )
  })

  test('a deal without a waiting room ignores tokens', async () => {
    const deal = await seedDeal(t)
    const res = await client(t)('POST', '/', {
      as: buyerIdentity(),
      ...purchase(deal, { admissionToken: 'whatever' }),
    })
    assert.equal(res.statusCode, 201)
  })
})
