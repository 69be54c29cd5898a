// Signs webhook requests the Standard Webhooks way, and verifies them: the helper partners copy
// into their receiver. It depends on node:crypto only, so it can be lifted out as it is.
//
//   Webhook-Id: <event id>              the same on every retry of the event: dedupe on it
//   Webhook-Timestamp: <unix seconds>   when this attempt was signed: reject old ones
//   Webhook-Signature: v1,<base64 HMAC-SHA256(secret, "<id>.<timestamp>.<raw body>")>
//
// The key is the partner's secret as UTF-8 bytes (Standard Webhooks' `whsec_` base64 secrets are
// not used: partners choose their own secret when they register the webhook).
import { createHmac, timingSafeEqual } from 'node:crypto'

export const WEBHOOK_HEADERS = {
  id: 'webhook-id',
  timestamp: 'webhook-timestamp',
  signature: 'webhook-signature',
} as const

/** The `v1,<base64>` signature of one request. */
export function signWebhook(secret: string, id: string, timestampSec: number, body: string): string {
  const mac = createHmac('sha256', secret).update(`${id}.${timestampSec}.${body}`).digest('base64')
  return `v1,${mac}`
}

export type WebhookVerification =
  | { ok: true; id: string; timestamp: number }
  | { ok: false; reason: 'MISSING_HEADERS' | 'TIMESTAMP_OUT_OF_TOLERANCE' | 'BAD_SIGNATURE' }

type HeaderBag = Headers | Record<string, string | string[] | undefined>

function header(headers: HeaderBag, name: string): string | undefined {
  if (headers instanceof Headers) return headers.get(name) ?? undefined
  const value = headers[name] ?? headers[name.toLowerCase()]
  return Array.isArray(value) ? value[0] : value
}

/**
 * Checks a received webhook: the signature over the raw body (as received, before any JSON
 * parsing) and a timestamp within `toleranceSec` of now. A receiver should also remember the ids
 * it has processed and ignore a repeated one, which makes a captured request useless to replay.
 */
export function verifyWebhookSignature(
  secret: string,
  headers: HeaderBag,
  body: string | Buffer,
  toleranceSec = 300,
  nowMs = Date.now(),
): WebhookVerification {
  const id = header(headers, WEBHOOK_HEADERS.id)
  const timestampText = header(headers, WEBHOOK_HEADERS.timestamp)
  const signatures = header(headers, WEBHOOK_HEADERS.signature)
  if (!id || !timestampText || !signatures || !/^\d{1,12}$/.test(timestampText))
    return { ok: false, reason: 'MISSING_HEADERS' }
  const timestamp = Number(timestampText)
  if (Math.abs(nowMs / 1000 - timestamp) > toleranceSec)
    return { ok: false, reason: 'TIMESTAMP_OUT_OF_TOLERANCE' }
  const expected = Buffer.from(signWebhook(secret, id, timestamp, body.toString()))
  // Several space-separated signatures may be sent while a secret is being rotated.
  const matches = signatures
    .split(' ')
    .map((candidate) => Buffer.from(candidate))
    .some((candidate) => candidate.length === expected.length && timingSafeEqual(candidate, expected))
  return matches ? { ok: true, id, timestamp } : { ok: false, reason: 'BAD_SIGNATURE' }
}
