import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createHmac } from 'node:crypto'
import { signWebhook, verifyWebhookSignature } from '../../../src/domain/webhooks/webhook-signature.ts'

const SECRET = 'partner-signing-secret-1'
const BODY = '{"id":"0190a0e4-0000-7000-8000-000000000000","type":"deal.opened.v1"}'
const NOW = Date.parse('2026-11-21T09:00:00Z')

function signed(overrides: Record<string, string> = {}, timestamp = NOW / 1000) {
  return {
    'webhook-id': 'evt-1',
    'webhook-timestamp': String(timestamp),
    'webhook-signature': signWebhook(SECRET, 'evt-1', timestamp, BODY),
    ...overrides,
  }
}

test('the signature is base64 HMAC-SHA256 of "<id>.<timestamp>.<body>" with the partner secret', () => {
  const expected = createHmac('sha256', SECRET).update(`evt-1.1700000000.${BODY}`).digest('base64')
  assert.equal(signWebhook(SECRET, 'evt-1', 1700000000, BODY), `v1,${expected}`)
})

test('a genuine request verifies, from a string, a Buffer or fetch Headers', () => {
  const headers = signed()
  assert.deepEqual(verifyWebhookSignature(SECRET, headers, BODY, 300, NOW), {
    ok: true,
    id: 'evt-1',
    timestamp: NOW / 1000,
  })
  assert.equal(verifyWebhookSignature(SECRET, headers, Buffer.from(BODY), 300, NOW).ok, true)
  assert.equal(verifyWebhookSignature(SECRET, new Headers(headers), BODY, 300, NOW).ok, true)
})

test('one of several signatures may match, as while a secret is rotated', () => {
  const headers = signed()
  const rotating = { ...headers, 'webhook-signature': `v1,b2xk ${headers['webhook-signature']}` }
  assert.equal(verifyWebhookSignature(SECRET, rotating, BODY, 300, NOW).ok, true)
})

test('a changed body, id, secret or signature is refused', () => {
  const headers = signed()
  const refused = (h: Record<string, string>, body = BODY, secret = SECRET) =>
    verifyWebhookSignature(secret, h, body, 300, NOW)
  assert.deepEqual(refused(headers, BODY.replace('opened', 'ended')), { ok: false, reason: 'BAD_SIGNATURE' })
  assert.deepEqual(refused({ ...headers, 'webhook-id': 'evt-2' }), { ok: false, reason: 'BAD_SIGNATURE' })
  assert.deepEqual(refused(headers, BODY, 'another-secret-16ch'), { ok: false, reason: 'BAD_SIGNATURE' })
  assert.deepEqual(refused({ ...headers, 'webhook-signature': 'v1,' }), {
    ok: false,
    reason: 'BAD_SIGNATURE',
  })
})

test('an old or future timestamp is refused even with a valid signature (replay)', () => {
  const old = signed({}, NOW / 1000 - 301)
  assert.deepEqual(verifyWebhookSignature(SECRET, old, BODY, 300, NOW), {
    ok: false,
    reason: 'TIMESTAMP_OUT_OF_TOLERANCE',
  })
  const future = signed({}, NOW / 1000 + 301)
  assert.equal(verifyWebhookSignature(SECRET, future, BODY, 300, NOW).ok, false)
  assert.equal(verifyWebhookSignature(SECRET, signed({}, NOW / 1000 - 299), BODY, 300, NOW).ok, true)
})

test('missing or malformed headers are refused', () => {
  const headers = signed()
  for (const name of ['webhook-id', 'webhook-timestamp', 'webhook-signature'] as const) {
    const without: Record<string, string> = { ...headers }
    delete without[name]
    assert.deepEqual(verifyWebhookSignature(SECRET, without, BODY, 300, NOW), {
      ok: false,
      reason: 'MISSING_HEADERS',
    })
  }
  assert.equal(verifyWebhookSignature(SECRET, { ...headers, 'webhook-timestamp': '1e9' }, BODY).ok, false)
})
