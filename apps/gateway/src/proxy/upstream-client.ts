// The gateway's own calls to a service (JWKS, API-key introspection, OpenAPI documents): the
// instance is picked through discovery, the call is signed as an anonymous gateway request and
// bounded in time.
import type { Dispatcher } from 'undici'
import type { Discovery } from '@deals/discovery'
import { signIdentityHeaders } from '@deals/service-kit'
import { upstreamFailure } from './upstream-errors.ts'

export interface UpstreamClient {
  /** The parsed JSON body of a 2xx answer; throws a 503/504 DomainError otherwise. */
  json(
    service: string,
    path: string,
    options?: { method?: 'GET' | 'POST'; body?: unknown; timeoutMs?: number },
  ): Promise<unknown>
}

export function createUpstreamClient(
  discovery: Discovery,
  agent: Dispatcher,
  signingSecret: string,
): UpstreamClient {
  return {
    async json(service, path, { method = 'GET', body, timeoutMs = 3_000 } = {}) {
      let instance
      try {
        instance = await discovery.pick(service)
      } catch (error) {
        throw upstreamFailure(service, error)
      }
      const headers: Record<string, string> = {
        accept: 'application/json',
        ...signIdentityHeaders(signingSecret),
      }
      if (body !== undefined) headers['content-type'] = 'application/json'
      let response
      try {
        response = await agent.request({
          origin: instance.url,
          path,
          method,
          headers,
          body: body === undefined ? undefined : JSON.stringify(body),
          headersTimeout: timeoutMs,
          bodyTimeout: timeoutMs,
        })
      } catch (error) {
        throw upstreamFailure(service, error)
      }
      if (response.statusCode < 200 || response.statusCode >= 300) {
        await response.body.dump()
        throw upstreamFailure(service, new Error(`${method} ${path} answered ${response.statusCode}`))
      }
      return response.body.json()
    },
  }
}
