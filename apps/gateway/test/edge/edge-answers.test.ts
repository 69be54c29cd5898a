// The gateway answers a purchase at the edge when the events it heard say the order service would
// refuse it (sold out, not open), and forwards everything else: restocks reopen forwarding, a
// retry of a forwarded purchase is forwarded, the service's own refusals stay its own, a token's
// claims are checked before an edge answer and its signature before anything is forwarded, and
// a lost broker connection makes the gateway forget rather than refuse on stale news.
import { describe, test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { createTestVhost, type TestVhost } from '@deals/testing'
import { forceCloseConnection, waitUntil } from '@deals/messaging/testing'
import { dealOpenedV1, dealScheduledV1, stockRestockedV1, stockSoldOutV1 } from '@deals/contracts'
import { startUpstream, type UpstreamService } from '../support/upstream-service.ts'
import { startAuthDouble, type AuthDouble, type SigningKey } from '../support/auth-double.ts'
import { startGateway, type TestGateway } from '../support/gateway.ts'
import { startPublisher } from '../support/broker.ts'
import { signToken, withPayload, payloadOf, unsignedToken } from '../support/tokens.ts'
import { newSigningKey } from '../support/auth-double.ts'
import { bearer, call } from '../support/http.ts'

describe('answers at the edge', () => {
  let vhost: TestVhost
  let order: UpstreamService
  let auth: AuthDouble
  let key: SigningKey
  let gateway: TestGateway
  let broker: Awaited<ReturnType<typeof startPublisher>>
  let token: string
  before(async () => {
    vhost = await createTestVhost('gateway_edge')
    ;[order, auth] = await Promise.all([startUpstream('order'), startAuthDouble()])
    key = await auth.addKey()
    gateway = await startGateway({ auth: auth.url, order: order.url }, { AMQP_URL: vhost.url })
    broker = await startPublisher(vhost.url)
    token = await signToken(key)
  })
  after(async () => {
    await broker.close()
    await gateway.close()
    await Promise.all([order.close(), auth.close()])
    await vhost.drop()
  })

  const place = (
    dealId: string,
    { idempotencyKey = randomUUID() as string, as = token, body = {} as Record<string, unknown> } = {},
  ) =>
    call(`${gateway.url}/api/orders`, {
      method: 'POST',
      headers: {
        ...(as ? bearer(as) : {}),
        'content-type': 'application/json',
        ...(idempotencyKey ? { 'idempotency-key': idempotencyKey } : {}),
      },
      body: JSON.stringify({ dealId, quantity: 1, paymentMethod: 'WALLET', ...body }),
    })
  const edge = () => gateway.app.dealEdge!.state
  const believes = (dealId: string, refusal: string | undefined) =>
    waitUntil(() => edge().refusal(dealId, Date.now()) === refusal, {
      message: `the gateway believes ${dealId} is ${refusal ?? 'open'}`,
    })
  const soldOut = (dealId: string, at = new Date()) =>
    broker.publish(stockSoldOutV1.name, { dealId, at: at.toISOString() })
  const restocked = (dealId: string, at = new Date()) =>
    broker.publish(stockRestockedV1.name, { dealId, remaining: 3, at: at.toISOString() })
  const snapshot = (dealId: string, version: number, startsInMs: number) => ({
    dealId,
    version,
    status: startsInMs > 0 ? 'SCHEDULED' : 'OPEN',
    sellerId: randomUUID(),
    storeId: randomUUID(),
    productId: randomUUID(),
    productName: 'Edge apples',
    categoryId: null,
    dealPrice: 1000,
    regularPrice: 2000,
    quantity: 10,
    perUserLimit: 1,
    startsAt: new Date(Date.now() + startsInMs).toISOString(),
    endsAt: new Date(Date.now() + 3_600_000).toISOString(),
    queueRequired: false,
  })

  test('a sold-out deal gets 409 SOLD_OUT from the gateway without reaching the order service; another deal is forwarded', async () => {
    const dealId = randomUUID()
    assert.equal((await place(dealId)).status, 200, 'forwarded while nothing is known')
    await soldOut(dealId)
    await believes(dealId, 'SOLD_OUT')
    const before = order.hits('/')
    const res = await place(dealId)
    assert.equal(res.status, 409)
    assert.match(res.headers.get('content-type') ?? '', /application\/problem\+json/)
    assert.equal(res.body.code, 'SOLD_OUT')
    assert.equal(order.hits('/'), before)
    assert.equal((await place(randomUUID())).status, 200)
    assert.equal(order.hits('/'), before + 1)
    const metrics = await call(`${gateway.url}/metrics`)
    assert.match(metrics.text, /gateway_edge_answers_total\{[^}]*code="SOLD_OUT"[^}]*\} [1-9]/)
  })

  test('a restock reopens forwarding, and a sell-out older than the restock arriving late does not close it', async () => {
    const dealId = randomUUID()
    const soldAt = new Date()
    await soldOut(dealId, soldAt)
    await believes(dealId, 'SOLD_OUT')
    await restocked(dealId, new Date(soldAt.getTime() + 1_000))
    await believes(dealId, undefined)
    const before = order.hits('/')
    assert.equal((await place(dealId)).status, 200)
    assert.equal(order.hits('/'), before + 1)
    await soldOut(dealId, new Date(soldAt.getTime() + 500))
    const marker = randomUUID()
    await soldOut(marker)
    await believes(marker, 'SOLD_OUT')
    assert.equal((await place(dealId)).status, 200, 'still forwarded')
  })

  test('a deal announced for later gets 409 DEAL_NOT_OPEN until a newer snapshot opens it', async () => {
    const dealId = randomUUID()
    await broker.publish(dealScheduledV1.name, snapshot(dealId, 1, 3_600_000))
    await believes(dealId, 'DEAL_NOT_OPEN')
    const before = order.hits('/')
    const res = await place(dealId)
    assert.equal(res.status, 409)
    assert.equal(res.body.code, 'DEAL_NOT_OPEN')
    assert.equal(order.hits('/'), before)
    await broker.publish(dealOpenedV1.name, snapshot(dealId, 2, -1_000))
    await believes(dealId, undefined)
    assert.equal((await place(dealId)).status, 200)
    assert.equal(order.hits('/'), before + 1)
  })

  test('a retry of a purchase the gateway forwarded is forwarded again after the sell-out, so its first answer is replayed', async () => {
    const dealId = randomUUID()
    const idempotencyKey = randomUUID()
    assert.equal((await place(dealId, { idempotencyKey })).status, 200)
    await soldOut(dealId)
    await believes(dealId, 'SOLD_OUT')
    const before = order.hits('/')
    assert.equal((await place(dealId, { idempotencyKey })).status, 200)
    assert.equal(order.hits('/'), before + 1)
    const other = await place(dealId, { idempotencyKey, as: await signToken(key) })
    assert.equal(other.status, 409, 'the same key from another buyer is another purchase')
  })

  test('what the order service refuses on its own is left to it: anonymous, malformed body, no Idempotency-Key', async () => {
    const dealId = randomUUID()
    await soldOut(dealId)
    await believes(dealId, 'SOLD_OUT')
    const before = order.hits('/')
    const anonymous = await place(dealId, { as: '' })
    assert.equal(anonymous.status, 401)
    assert.equal(anonymous.body.code, 'UNAUTHENTICATED')
    assert.equal((await place(dealId, { body: { quantity: 0 } })).status, 200)
    assert.equal((await place(dealId, { body: { extra: true } })).status, 200)
    assert.equal((await place(dealId, { idempotencyKey: '' })).status, 200)
    assert.equal(order.hits('/'), before + 4, 'all four reached the order service')
  })

  test('an edge answer is public and given before the signature check, but after every claim check: expired, unsigned, a stranger key or another audience is 401', async () => {
    const dealId = randomUUID()
    await soldOut(dealId)
    await believes(dealId, 'SOLD_OUT')
    const before = order.hits('/')
    const genuine = await signToken(key)
    assert.equal((await place(dealId, { as: genuine })).body.code, 'SOLD_OUT')
    // A forged signature on a known key learns what GET /api/orders/deals/:id/stock says to anyone.
    const forged = withPayload(genuine, { ...payloadOf(genuine), sub: randomUUID() })
    const publicAnswer = await place(dealId, { as: forged })
    assert.equal(publicAnswer.status, 409)
    assert.equal(publicAnswer.body.code, 'SOLD_OUT')
    const expired = await signToken(key, {}, { expiresIn: Math.floor(Date.now() / 1000) - 5 })
    assert.equal((await place(dealId, { as: expired })).body.code, 'TOKEN_EXPIRED')
    const strangerKey = await place(dealId, { as: await signToken(await newSigningKey()) })
    assert.equal(strangerKey.status, 401)
    assert.equal(strangerKey.body.code, 'INVALID_TOKEN')
    const otherAudience = await place(dealId, { as: await signToken(key, {}, { audience: 'someone-else' }) })
    assert.equal(otherAudience.body.code, 'INVALID_TOKEN')
    const otherIssuer = await place(dealId, { as: await signToken(key, {}, { issuer: 'http://evil.test' }) })
    assert.equal(otherIssuer.body.code, 'INVALID_TOKEN')
    const unsigned = await place(dealId, { as: unsignedToken({ ...payloadOf(genuine) }) })
    assert.equal(unsigned.body.code, 'INVALID_TOKEN')
    assert.equal((await place(dealId, { as: 'not-a-jwt' })).body.code, 'INVALID_TOKEN')
    assert.equal(order.hits('/'), before, 'nothing reached the order service')
  })

  test('a retry claiming another buyer`s forwarded Idempotency-Key with a forged signature is 401, never forwarded', async () => {
    const dealId = randomUUID()
    const idempotencyKey = randomUUID()
    const victim = await signToken(key)
    assert.equal((await place(dealId, { idempotencyKey, as: victim })).status, 200)
    await soldOut(dealId)
    await believes(dealId, 'SOLD_OUT')
    const before = order.hits('/')
    const attacker = await signToken(key)
    const claimingVictim = withPayload(attacker, { ...payloadOf(attacker), sub: payloadOf(victim).sub })
    const res = await place(dealId, { idempotencyKey, as: claimingVictim })
    assert.equal(res.status, 401)
    assert.equal(res.body.code, 'INVALID_TOKEN')
    assert.equal(order.hits('/'), before)
    assert.equal((await place(dealId, { idempotencyKey, as: victim })).status, 200, 'the victim is replayed')
  })

  test('a purchase that is forwarded has its token verified first: a forged signature is 401 and never forwarded', async () => {
    const genuine = await signToken(key)
    const forged = withPayload(genuine, { ...payloadOf(genuine), sub: randomUUID() })
    const before = order.hits('/')
    const res = await place(randomUUID(), { as: forged })
    assert.equal(res.status, 401)
    assert.equal(res.body.code, 'INVALID_TOKEN')
    assert.equal(order.hits('/'), before)
    const ok = await place(randomUUID(), { as: genuine })
    assert.equal(ok.status, 200)
    assert.equal(ok.body.headers['x-user-id'], payloadOf(genuine).sub)
  })

  test('forwarded purchases count against the buyer`s rate limit', async () => {
    const limited = await startGateway(
      { auth: auth.url, order: order.url },
      { AMQP_URL: vhost.url, RATE_LIMIT_USER_MAX: '2' },
    )
    try {
      const buyer = await signToken(key)
      const buy = () =>
        call(`${limited.url}/api/orders`, {
          method: 'POST',
          headers: { ...bearer(buyer), 'content-type': 'application/json', 'idempotency-key': randomUUID() },
          body: JSON.stringify({ dealId: randomUUID(), quantity: 1, paymentMethod: 'WALLET' }),
        })
      assert.deepEqual(
        [(await buy()).status, (await buy()).status, (await buy()).body.code],
        [200, 200, 'RATE_LIMITED'],
      )
    } finally {
      await limited.close()
    }
  })

  test('when the broker connection drops, the gateway forgets what it knew and forwards until it hears again', async () => {
    const dealId = randomUUID()
    await soldOut(dealId)
    await believes(dealId, 'SOLD_OUT')
    await forceCloseConnection(gateway.app.dealEdge!.subscription.connectionName)
    await believes(dealId, undefined)
    const before = order.hits('/')
    assert.equal((await place(dealId)).status, 200)
    assert.equal(order.hits('/'), before + 1)
    // Reconnected: news heard from now on counts again.
    await waitUntil(
      async () => {
        await soldOut(dealId)
        return edge().refusal(dealId, Date.now()) === 'SOLD_OUT'
      },
      { timeoutMs: 15_000, intervalMs: 250, message: 'the gateway hears events again after reconnecting' },
    )
    assert.equal((await place(dealId)).status, 409)
  })
})
