// The wallet through its routes: top-ups add to the balance and are answered once per
// Idempotency-Key (replayed byte for byte, refused for another body, once under 100 concurrent
// retries, and still once after Redis forgot), entries page newest first, each buyer sees only
// their own wallet.
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { Redis } from 'ioredis'
import {
  assertLedgerBalanced,
  buyer,
  client,
  sql,
  startTestPaymentApp,
  topUp,
  walletBalance,
  type TestPaymentApp,
} from '../support/test-payment-app.ts'

describe('wallet', () => {
  let t: TestPaymentApp
  let call: ReturnType<typeof client>
  before(async () => {
    t = await startTestPaymentApp({ WALLET_TOPUP_MAX_AMOUNT: '1000000' })
    call = client(t)
  })
  after(async () => {
    await t.close()
  })

  const charge = (userId: string, amount: unknown, key: string = randomUUID()) =>
    call('POST', '/wallet/charge', {
      as: buyer(userId),
      body: { amount },
      headers: { 'idempotency-key': key },
    })

  test('a new wallet is empty; top-ups add to it and answer with the new balance', async () => {
    const userId = randomUUID()
    const empty = await call('GET', '/wallet', { as: buyer(userId) })
    assert.equal(empty.statusCode, 200)
    assert.deepEqual(empty.json(), { userId, balance: 0, updatedAt: null })

    const first = await charge(userId, 30_000)
    assert.equal(first.statusCode, 200)
    assert.equal(first.json().balance, 30_000)
    const second = await charge(userId, 12_500)
    assert.equal(second.json().balance, 42_500)
    assert.equal((await call('GET', '/wallet', { as: buyer(userId) })).json().balance, 42_500)
    await assertLedgerBalanced(t)
  })

  test('the same key and body replays the first answer byte for byte; another body is 422', async () => {
    const userId = randomUUID()
    const key = randomUUID()
    const first = await charge(userId, 10_000, key)
    const again = await charge(userId, 10_000, key)
    assert.equal(again.statusCode, 200)
    assert.equal(again.body, first.body)
    assert.equal(again.headers['content-type'], first.headers['content-type'])
    const other = await charge(userId, 20_000, key)
    assert.equal(other.statusCode, 422)
    assert.equal(other.json().code, 'IDEMPOTENCY_KEY_REUSED')
    assert.match(String(other.headers['content-type']), /application\/problem\+json/)
    assert.equal(await walletBalance(t, userId), 10_000)
    // A key belongs to its user: another buyer's same key is a top-up of their own.
    const stranger = randomUUID()
    assert.equal((await charge(stranger, 5_000, key)).json().balance, 5_000)
  })

  test('100 concurrent top-ups with one key book once, and every 200 carries the same body', async () => {
    const userId = randomUUID()
    const key = randomUUID()
    const answers = await Promise.all(Array.from({ length: 100 }, () => charge(userId, 7_000, key)))
    const ok = answers.filter((a) => a.statusCode === 200)
    const busy = answers.filter((a) => a.statusCode === 409)
    assert.equal(ok.length + busy.length, 100, answers.map((a) => a.statusCode).join(','))
    assert.ok(ok.length >= 1)
    assert.equal(new Set(ok.map((a) => a.body)).size, 1)
    for (const b of busy) assert.equal(b.json().code, 'IDEMPOTENCY_IN_PROGRESS')
    assert.equal(await walletBalance(t, userId), 7_000)
    const [topUps] = await sql<{ n: number }>(
      t,
      `SELECT COUNT(*)::int AS n FROM ledger_transactions WHERE kind = 'TOPUP' AND reference = $1`,
      [`${userId}:${key}`],
    )
    assert.equal(topUps?.n, 1)
  })

  test('after Redis forgot the key, a retry gets the durable answer and books nothing more', async () => {
    const userId = randomUUID()
    const key = randomUUID()
    const first = await charge(userId, 4_000, key)
    const redis = new Redis(t.config.REDIS_URL, { keyPrefix: t.config.REDIS_KEY_PREFIX })
    try {
      const keys = await redis.keys(`${t.config.REDIS_KEY_PREFIX}idempotency:*`)
      assert.ok(keys.length > 0)
      await redis.del(...keys.map((k) => k.slice(t.config.REDIS_KEY_PREFIX.length)))
    } finally {
      redis.disconnect()
    }
    const again = await charge(userId, 4_000, key)
    assert.equal(again.statusCode, 200)
    assert.equal(again.body, first.body)
    assert.equal((await charge(userId, 5_000, key)).statusCode, 422)
    assert.equal(await walletBalance(t, userId), 4_000)
  })

  test('durable answers older than IDEMPOTENCY_RETENTION_HOURS are swept, younger ones still replay', async () => {
    const [early, recent] = [randomUUID(), randomUUID()]
    const recentKey = randomUUID()
    await charge(early, 1_000)
    const recentFirst = await charge(recent, 2_000, recentKey)
    await sql(
      t,
      `UPDATE idempotency_records SET created_at = now() - make_interval(hours => $2) WHERE user_id = $1`,
      [early, t.config.IDEMPOTENCY_RETENTION_HOURS + 1],
    )

    const { deleted } = await t.app.retention.sweep()

    assert.ok(deleted.idempotency_records! >= 1)
    const kept = await sql<{ user_id: string }>(
      t,
      'SELECT user_id FROM idempotency_records WHERE user_id = ANY($1::uuid[])',
      [[early, recent]],
    )
    assert.deepEqual(
      kept.map((row) => row.user_id),
      [recent],
    )
    const redis = new Redis(t.config.REDIS_URL, { keyPrefix: t.config.REDIS_KEY_PREFIX })
    try {
      const keys = await redis.keys(`${t.config.REDIS_KEY_PREFIX}idempotency:*`)
      await redis.del(...keys.map((k) => k.slice(t.config.REDIS_KEY_PREFIX.length)))
    } finally {
      redis.disconnect()
    }
    assert.equal((await charge(recent, 2_000, recentKey)).body, recentFirst.body)
    assert.equal(await walletBalance(t, recent), 2_000)
  })

  test('amounts must be positive whole won up to the configured maximum', async () => {
    const userId = randomUUID()
    for (const amount of [0, -100, 1.5, '1000', null]) {
      const res = await charge(userId, amount)
      assert.equal(res.statusCode, 400, `amount ${String(amount)}`)
      assert.equal(res.json().code, 'VALIDATION_FAILED')
    }
    const tooLarge = await charge(userId, 1_000_001)
    assert.equal(tooLarge.statusCode, 422)
    assert.equal(tooLarge.json().code, 'TOPUP_AMOUNT_TOO_LARGE')
    assert.equal((await charge(userId, 1_000_000)).statusCode, 200)
    assert.equal(await walletBalance(t, userId), 1_000_000)
  })

  test('entries page newest first, and each buyer sees only their own', async () => {
    const userId = randomUUID()
    for (const amount of [1_000, 2_000, 3_000, 4_000, 5_000]) await topUp(t, userId, amount)
    await topUp(t, randomUUID(), 99_000)
    const seen: { amount: number; balanceAfter: number; kind: string }[] = []
    let cursor: string | null = null
    do {
      const query: string = cursor ? `?limit=2&cursor=${cursor}` : '?limit=2'
      const page = await call('GET', `/wallet/entries${query}`, { as: buyer(userId) })
      assert.equal(page.statusCode, 200)
      const body = page.json()
      assert.ok(body.items.length <= 2)
      seen.push(...body.items)
      cursor = body.nextCursor
    } while (cursor)
    assert.deepEqual(
      seen.map((e) => [e.kind, e.amount, e.balanceAfter]),
      [
        ['TOPUP', 5_000, 15_000],
        ['TOPUP', 4_000, 10_000],
        ['TOPUP', 3_000, 6_000],
        ['TOPUP', 2_000, 3_000],
        ['TOPUP', 1_000, 1_000],
      ],
    )
    const stranger = await call('GET', '/wallet/entries', { as: buyer() })
    assert.deepEqual(stranger.json(), { items: [], nextCursor: null })
    const badCursor = await call('GET', '/wallet/entries?cursor=nonsense', { as: buyer(userId) })
    assert.equal(badCursor.statusCode, 400)
    assert.equal(badCursor.json().code, 'INVALID_CURSOR')
  })

  test('top-ups are counted in the service metrics', async () => {
    await topUp(t, randomUUID(), 1_234)
    const metrics = await t.app.inject({ method: 'GET', url: '/metrics' })
    assert.equal(metrics.statusCode, 200)
    const count = /^payment_wallet_topups_total\{[^}]*\} (\d+)$/m.exec(metrics.body)?.[1]
    assert.ok(Number(count) >= 1, 'payment_wallet_topups_total')
    for (const name of [
      'payment_payments_total',
      'payment_refunds_total',
      'payment_provider_call_duration_seconds',
    ])
      assert.match(metrics.body, new RegExp(`# TYPE ${name} `))
  })

  test('without an identity every wallet route is 401', async () => {
    for (const [method, url] of [
      ['GET', '/wallet'],
      ['GET', '/wallet/entries'],
    ] as const) {
      const res = await call(method, url)
      assert.equal(res.statusCode, 401)
    }
    const res = await call('POST', '/wallet/charge', {
      body: { amount: 1 },
      headers: { 'idempotency-key': 'k' },
    })
    assert.equal(res.statusCode, 401)
  })
})
