import { describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { AdmissionTokenError, createAdmissionSigner, createAdmissionVerifier } from '../src/index.ts'

const SECRET = 'test-admission-secret-0123456789abcdef'
const OTHER = 'another-admission-secret-0123456789abcd'

const refusal = (reason: string) => (error: unknown) =>
  error instanceof AdmissionTokenError && error.reason === reason

describe('admission tokens', () => {
  const buyer = randomUUID()
  const deal = randomUUID()

  test('a token made for a buyer and a deal is accepted for exactly that buyer and deal', async () => {
    const { token, claims } = await createAdmissionSigner(SECRET).sign({
      userId: buyer,
      dealId: deal,
      ttlSeconds: 60,
    })
    const verifier = createAdmissionVerifier([SECRET])
    assert.deepEqual(await verifier.verify(token, { userId: buyer, dealId: deal }), claims)
    await assert.rejects(
      verifier.verify(token, { userId: buyer, dealId: randomUUID() }),
      refusal('WRONG_DEAL'),
    )
    await assert.rejects(
      verifier.verify(token, { userId: randomUUID(), dealId: deal }),
      refusal('WRONG_USER'),
    )
  })

  test('each admission has its own jti', async () => {
    const signer = createAdmissionSigner(SECRET)
    const a = await signer.sign({ userId: buyer, dealId: deal, ttlSeconds: 60 })
    const b = await signer.sign({ userId: buyer, dealId: deal, ttlSeconds: 60 })
    assert.notEqual(a.claims.jti, b.claims.jti)
  })

  test('an expired, forged, tampered or missing token is refused', async () => {
    const verifier = createAdmissionVerifier([SECRET])
    const past = new Date(Date.now() - 120_000)
    const expired = await createAdmissionSigner(SECRET).sign({
      userId: buyer,
      dealId: deal,
      ttlSeconds: 30,
      now: past,
    })
    await assert.rejects(verifier.verify(expired.token, { userId: buyer, dealId: deal }), refusal('EXPIRED'))

    const forged = await createAdmissionSigner(OTHER).sign({ userId: buyer, dealId: deal, ttlSeconds: 60 })
    await assert.rejects(verifier.verify(forged.token, { userId: buyer, dealId: deal }), refusal('INVALID'))

    const [header, , signature] = forged.token.split('.')
    const body = Buffer.from(
      JSON.stringify({ sub: buyer, dealId: deal, aud: 'order', iss: 'deals-queue', jti: 'x', exp: 9e9 }),
    ).toString('base64url')
    await assert.rejects(
      verifier.verify(`${header}.${body}.${signature}`, { userId: buyer, dealId: deal }),
      refusal('INVALID'),
    )
    await assert.rejects(verifier.verify('not-a-jwt', { userId: buyer, dealId: deal }), refusal('INVALID'))
    await assert.rejects(verifier.verify(undefined, { userId: buyer, dealId: deal }), refusal('MISSING'))
  })

  test('during a rotation a token signed with the previous secret is still accepted', async () => {
    const old = await createAdmissionSigner(OTHER).sign({ userId: buyer, dealId: deal, ttlSeconds: 60 })
    const claims = await createAdmissionVerifier([SECRET, OTHER]).verify(old.token, {
      userId: buyer,
      dealId: deal,
    })
    assert.equal(claims.jti, old.claims.jti)
  })

  test('a short secret is refused at start', () => {
    assert.throws(() => createAdmissionSigner('short'), /at least 32 bytes/)
  })
})
