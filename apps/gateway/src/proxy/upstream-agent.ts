// One keep-alive connection pool per upstream origin, shared by every proxied route and by the
// gateway's own calls (JWKS, API-key introspection, OpenAPI). Streams are never cut by a body
// timeout, so SSE stays open; an upstream that does not start answering in time is a 504.
import { Agent } from 'undici'

export interface UpstreamAgentOptions {
  connections: number
  pipelining: number
  headersTimeoutMs: number
}

export function createUpstreamAgent({
  connections,
  pipelining,
  headersTimeoutMs,
}: UpstreamAgentOptions): Agent {
  return new Agent({
    connections,
    pipelining,
    headersTimeout: headersTimeoutMs,
    bodyTimeout: 0,
    keepAliveTimeout: 10_000,
    connect: { timeout: 5_000 },
  })
}
