// Sends one signed webhook request and reports what happened; it never throws. Each connection
// checks the addresses the host resolves to at that moment, so a host that later resolves to an
// internal address (DNS rebinding) is refused. Redirects are not followed.
import { lookup as dnsLookup, type LookupAddress, type LookupAllOptions } from 'node:dns'
import http from 'node:http'
import https from 'node:https'
import { isIP, type LookupFunction } from 'node:net'
import { hostOf, isAllowedAddress, type WebhookAddressPolicy } from './webhook-address-policy.ts'
import { signWebhook, WEBHOOK_HEADERS } from './webhook-signature.ts'

export interface WebhookRequest {
  url: string
  secret: string
  /** The event id: `Webhook-Id`, the same on every attempt. */
  id: string
  body: string
}

export interface WebhookResponse {
  /** Set when the receiver answered. */
  statusCode: number | null
  /** Set when there was no answer (timeout, refused address, connection error). */
  error: string | null
  durationMs: number
}

export interface WebhookSenderOptions extends WebhookAddressPolicy {
  timeoutMs: number
}

export type SendWebhook = (request: WebhookRequest) => Promise<WebhookResponse>

export function createWebhookSender(options: WebhookSenderOptions): SendWebhook {
  const guardedLookup = ((hostname: string, lookupOptions: LookupAllOptions, callback) => {
    dnsLookup(hostname, { ...lookupOptions, all: true }, (err, addresses: LookupAddress[]) => {
      if (err) return callback(err, [])
      if (!addresses.every((a) => isAllowedAddress(options, a.address)))
        return callback(new Error(`${hostname} resolves to a refused address`), [])
      if (lookupOptions.all) return callback(null, addresses)
      const [first] = addresses
      return (callback as unknown as (e: null, address: string, family: number) => void)(
        null,
        first!.address,
        first!.family,
      )
    })
  }) as LookupFunction

  return async ({ url, secret, id, body }) => {
    const startedAt = performance.now()
    const elapsed = () => Math.round(performance.now() - startedAt)
    const target = new URL(url)
    const host = hostOf(target)
    if (isIP(host) && !isAllowedAddress(options, host))
      return { statusCode: null, error: `${host} is a refused address`, durationMs: 0 }
    const timestamp = Math.floor(Date.now() / 1000)
    const client = target.protocol === 'https:' ? https : http
    return new Promise<WebhookResponse>((resolve) => {
      const request = client.request(
        target,
        {
          method: 'POST',
          lookup: guardedLookup,
          signal: AbortSignal.timeout(options.timeoutMs),
          headers: {
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(body),
            'user-agent': 'deals-webhooks/1',
            [WEBHOOK_HEADERS.id]: id,
            [WEBHOOK_HEADERS.timestamp]: String(timestamp),
            [WEBHOOK_HEADERS.signature]: signWebhook(secret, id, timestamp, body),
          },
        },
        (response) => {
          // Only the status matters; the body is drained so the socket is released.
          response.on('error', () => {})
          response.resume()
          resolve({ statusCode: response.statusCode ?? null, error: null, durationMs: elapsed() })
        },
      )
      request.on('error', (err) => {
        const timedOut = err.name === 'AbortError' || err.name === 'TimeoutError'
        const error = timedOut ? `no answer within ${options.timeoutMs} ms` : err.message.slice(0, 500)
        resolve({ statusCode: null, error, durationMs: elapsed() })
      })
      request.end(body)
    })
  }
}
