// A stand-in for the auth service: serves a JWKS whose keys the test controls and answers API-key
// introspection (only when the gateway signed the call), counting both kinds of call.
import { randomUUID } from 'node:crypto'
import type { AddressInfo } from 'node:net'
import { exportJWK, generateKeyPair, type CryptoKey, type JWK } from 'jose'
import { createServer, serviceKit } from '@deals/service-kit'
import { TEST_GATEWAY_SECRET } from '@deals/service-kit/testing'

export interface SigningKey {
  kid: string
  privateKey: CryptoKey
  publicJwk: JWK
}

export interface ApiKeyRecord {
  apiKeyId: string
  sellerId: string
  userId: string
  scopes: string[]
  rateLimitPerMinute?: number
}

export interface AuthDouble {
  url: string
  /** Creates an ES256 key and publishes it in the JWKS. */
  addKey(): Promise<SigningKey>
  removeKey(kid: string): void
  jwksFetches(): number
  /** Keys introspection knows; any other key is inactive. */
  apiKeys: Map<string, ApiKeyRecord | 'revoked'>
  introspections(): number
  close(): Promise<void>
}

export async function newSigningKey(): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair('ES256')
  const kid = randomUUID()
  return { kid, privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' } }
}

export async function startAuthDouble(): Promise<AuthDouble> {
  const app = createServer({ service: 'auth', logLevel: 'silent' })
  await app.register(serviceKit, {
    service: 'auth',
    title: 'auth (test double)',
    gatewaySigningSecret: TEST_GATEWAY_SECRET,
  })
  const published = new Map<string, JWK>()
  const apiKeys = new Map<string, ApiKeyRecord | 'revoked'>()
  let jwksFetches = 0
  let introspections = 0

  app.get('/.well-known/jwks.json', { config: { internalAuth: false } }, async () => {
    jwksFetches += 1
    return { keys: [...published.values()] }
  })
  app.post('/internal/api-keys/introspect', async (request) => {
    introspections += 1
    const record = apiKeys.get((request.body as { key?: string }).key ?? '')
    if (record === undefined || record === 'revoked') return { active: false }
    return { active: true, ...record }
  })

  await app.listen({ host: '127.0.0.1', port: 0 })
  const { port } = app.server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    async addKey() {
      const key = await newSigningKey()
      published.set(key.kid, key.publicJwk)
      return key
    },
    removeKey: (kid) => void published.delete(kid),
    jwksFetches: () => jwksFetches,
    apiKeys,
    introspections: () => introspections,
    close: () => app.close(),
  }
}
