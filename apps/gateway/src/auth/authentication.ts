// Establishes who is calling before anything is forwarded: `Bearer <jwt>` anywhere (or the token
// in the query of a WebSocket/SSE request, or among a WebSocket's subprotocols), `ApiKey <key>` on
// the seller API only. No credential means an anonymous call (the service decides); a credential
// that does not check out is a 401 here.
import fp from 'fastify-plugin'
import type { FastifyRequest } from 'fastify'
import type { Identity } from '@deals/contracts'
import type { ApiKeyResolver } from './api-key-resolver.ts'
import type { TokenVerifier } from './token-verifier.ts'
import { InvalidApiKey, InvalidToken } from './auth-errors.ts'
import { protocolToken, queryToken } from './stream-token.ts'

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Seller API routes, where `Authorization: ApiKey` is accepted. */
    sellerApi?: boolean
  }
  interface FastifyRequest {
    /** Set for API-key callers: the key's own requests-per-minute limit. */
    apiKeyRateLimit: number | undefined
    /** A bearer token not verified yet: `authenticate(request)` must run before forwarding. */
    deferredToken: string | undefined
  }
  interface FastifyInstance {
    /** Verifies a deferred bearer token and sets the request's identity (401 if it does not check out). */
    authenticate(request: FastifyRequest): Promise<void>
  }
}

export interface AuthenticationOptions {
  tokens: TokenVerifier
  apiKeys: ApiKeyResolver
  /** Requests whose bearer token is verified later, after the body is read. */
  defer?: (request: FastifyRequest) => boolean
}

const CREDENTIAL = /^(\S+)\s+(\S+)\s*$/

async function identify(
  request: FastifyRequest,
  { tokens, apiKeys }: AuthenticationOptions,
): Promise<Identity | undefined> {
  const fromStream = queryToken(request) ?? protocolToken(request)
  const header = request.headers.authorization || (fromStream && `Bearer ${fromStream}`)
  if (!header) return undefined
  const [, scheme = '', credential = ''] = CREDENTIAL.exec(header) ?? []
  switch (scheme.toLowerCase()) {
    case 'bearer':
      return tokens.verify(credential)
    case 'apikey': {
      if (request.routeOptions.config?.sellerApi !== true)
        throw InvalidApiKey('API keys are accepted on the seller API (/seller/v1) only')
      const principal = await apiKeys.resolve(credential)
      if (!principal) throw InvalidApiKey()
      request.apiKeyRateLimit = principal.rateLimitPerMinute
      return principal.identity
    }
    default:
      throw InvalidToken('Use `Authorization: Bearer <token>` or, on the seller API, `ApiKey <key>`')
  }
}

export const authentication = fp<AuthenticationOptions>(
  async (app, options) => {
    app.decorateRequest('identity', undefined)
    app.decorateRequest('apiKeyRateLimit', undefined)
    app.decorateRequest('deferredToken', undefined)
    app.decorate('authenticate', async (request: FastifyRequest) => {
      const token = request.deferredToken
      request.deferredToken = undefined
      if (token !== undefined) request.identity = await options.tokens.verify(token)
    })
    app.addHook('onRequest', async (request) => {
      const header = request.headers.authorization
      if (options.defer?.(request) && header) {
        const [, scheme = '', credential = ''] = CREDENTIAL.exec(header) ?? []
        if (scheme.toLowerCase() === 'bearer') {
          request.deferredToken = credential
          return
        }
      }
      request.identity = await identify(request, options)
    })
  },
  { name: 'authentication', fastify: '5.x' },
)
