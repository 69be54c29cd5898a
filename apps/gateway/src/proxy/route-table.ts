// Which upstream service answers which public path. The public prefixes are fixed by the
// public contract; the seller API keeps its `/seller/v1/...` path upstream.

export interface ProxyRoute {
  /** Public path prefix on the gateway. */
  prefix: string
  /** Discovery name of the upstream service. */
  service: string
  /** Path prefix the upstream sees instead of `prefix`. */
  rewritePrefix: string
  websocket: boolean
  /** Routes where `Authorization: ApiKey` is accepted. */
  sellerApi: boolean
}

const publicApi = (prefix: string, service: string, websocket = false): ProxyRoute => ({
  prefix,
  service,
  rewritePrefix: '',
  websocket,
  sellerApi: false,
})

const sellerApi = (resource: string, service: string): ProxyRoute => ({
  prefix: `/seller/v1/${resource}`,
  service,
  rewritePrefix: `/seller/v1/${resource}`,
  websocket: false,
  sellerApi: true,
})

export const ROUTE_TABLE: readonly ProxyRoute[] = [
  publicApi('/api/auth', 'auth'),
  publicApi('/api/catalog', 'catalog'),
  publicApi('/api/party', 'party', true),
  publicApi('/api/orders', 'order'),
  publicApi('/api/payments', 'payment'),
  publicApi('/api/queue', 'queue'),
  publicApi('/api/notifications', 'notification', true),
  sellerApi('products', 'catalog'),
  sellerApi('deals', 'catalog'),
  sellerApi('webhooks', 'catalog'),
  sellerApi('sales', 'order'),
  sellerApi('returns', 'order'),
  sellerApi('settlements', 'payment'),
]

/** Static discovery defaults for `npm start`: the platform's loopback ports. */
export const DEFAULT_SERVICE_URLS: Record<string, string> = {
  SERVICE_AUTH_URL: 'http://127.0.0.1:3001',
  SERVICE_CATALOG_URL: 'http://127.0.0.1:3002',
  SERVICE_PARTY_URL: 'http://127.0.0.1:3003',
  SERVICE_ORDER_URL: 'http://127.0.0.1:3004',
  SERVICE_PAYMENT_URL: 'http://127.0.0.1:3005',
  SERVICE_QUEUE_URL: 'http://127.0.0.1:3006',
  SERVICE_NOTIFICATION_URL: 'http://127.0.0.1:3007',
}

/** `/api/<anything>/internal/...` is service-to-service only, however the path is spelled. */
export function isInternalPath(url: string): boolean {
  const path = url.split('?', 1)[0]!
  let decoded: string
  try {
    decoded = decodeURIComponent(path)
  } catch {
    return true
  }
  const segments = decoded
    .toLowerCase()
    .replaceAll('\\', '/')
    .split('/')
    .filter((s) => s !== '' && s !== '.')
  return segments[0] === 'api' && segments[2] === 'internal'
}
