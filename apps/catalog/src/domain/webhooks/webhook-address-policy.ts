// Where webhooks may point: https only in production, and never at an address inside our own
// networks (private, link-local, carrier NAT, multicast, reserved), so a partner cannot make the
// catalog call internal services (SSRF). Loopback is allowed outside production, for tests.
import { lookup } from 'node:dns/promises'
import { isIP } from 'node:net'
import ipaddr from 'ipaddr.js'
import { defineError } from '@deals/service-kit'

export const WebhookUrlRefused = defineError('WEBHOOK_URL_REFUSED', 400, 'This webhook URL is not allowed')

export interface WebhookAddressPolicy {
  /** Production refuses plain http and loopback addresses. */
  production: boolean
}

/** True when the catalog may connect to `address` (an IPv4 or IPv6 literal). */
export function isAllowedAddress(policy: WebhookAddressPolicy, address: string): boolean {
  if (!ipaddr.isValid(address)) return false
  const range = ipaddr.process(address).range()
  return range === 'unicast' || (range === 'loopback' && !policy.production)
}

/** The host to resolve: WHATWG URLs keep the brackets around IPv6 literals. */
export const hostOf = (url: URL) => url.hostname.replace(/^\[(.*)\]$/, '$1')

/**
 * Checks a URL a seller registers: its form, its scheme, and every address its host resolves to
 * now. The sender checks the addresses again at each connection, since DNS can change later.
 */
export async function checkWebhookUrl(policy: WebhookAddressPolicy, text: string): Promise<URL> {
  let url: URL
  try {
    url = new URL(text)
  } catch {
    throw WebhookUrlRefused('The webhook URL is not a valid absolute URL')
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw WebhookUrlRefused('The webhook URL must use https')
  if (url.protocol === 'http:' && policy.production) throw WebhookUrlRefused('The webhook URL must use https')
  if (url.username || url.password) throw WebhookUrlRefused('The webhook URL must not contain credentials')
  const host = hostOf(url)
  let addresses: string[]
  if (isIP(host)) addresses = [host]
  else {
    try {
      addresses = (await lookup(host, { all: true, verbatim: true })).map((a) => a.address)
    } catch {
      throw WebhookUrlRefused(`The webhook host ${host} does not resolve`)
    }
  }
  if (!addresses.every((address) => isAllowedAddress(policy, address)))
    throw WebhookUrlRefused('The webhook URL points at a private or reserved network address')
  return url
}
