// The gateway's configuration, read once from the environment; a bad variable stops the start
// with a message naming it.
import { z } from 'zod'
import { baseConfigShape, devDefault, loadConfig } from '@deals/service-kit'

const nonnegative = (fallback: number) => z.coerce.number().int().nonnegative().default(fallback)
const milliseconds = nonnegative
const positive = (fallback: number) => z.coerce.number().int().positive().default(fallback)
const flag = (fallback: 'true' | 'false') =>
  z
    .enum(['true', 'false'])
    .default(fallback)
    .transform((value) => value === 'true')
const commaList = z.string().transform((value) =>
  value
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean),
)

export const gatewayConfigShape = {
  ...baseConfigShape,
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  REDIS_URL: devDefault(z.string().url(), 'redis://127.0.0.1:6379'),
  /** Rate-limit counters live under this prefix; tests put a per-run prefix in front. */
  REDIS_KEY_PREFIX: z.string().default('gw:'),
  /** Must match what the auth service puts in `iss` and `aud`. */
  JWT_ISSUER: z.string().min(1).default('deals-auth'),
  JWT_AUDIENCE: z.string().min(1).default('deals-api'),
  JWKS_REFRESH_INTERVAL_MS: positive(5 * 60_000),
  /** Least time between two JWKS fetches caused by an unknown `kid`, so bogus kids cannot hammer auth. */
  JWKS_UNKNOWN_KID_COOLDOWN_MS: milliseconds(30_000),
  /** Verified tokens remembered until their `exp`; 0 verifies every request's signature. */
  TOKEN_CACHE_SIZE: nonnegative(50_000),
  API_KEY_CACHE_TTL_MS: positive(30_000),
  API_KEY_NEGATIVE_CACHE_TTL_MS: positive(5_000),
  RATE_LIMIT_WINDOW_MS: positive(60_000),
  RATE_LIMIT_USER_MAX: positive(600),
  RATE_LIMIT_ANONYMOUS_MAX: positive(300),
  /** How often each process sends the requests it counted to Redis and learns the others' counts. */
  RATE_LIMIT_SYNC_INTERVAL_MS: positive(100),
  BODY_LIMIT_BYTES: positive(1024 * 1024),
  /** Product image uploads (image/jpeg, png, webp bodies) may be larger than other requests. */
  IMAGE_BODY_LIMIT_BYTES: positive(6 * 1024 * 1024),
  CORS_ORIGINS: commaList.default(['http://localhost:5173', 'http://127.0.0.1:5173']),
  /** Time an upstream has to start answering; streamed bodies (SSE) are never cut. */
  UPSTREAM_TIMEOUT_MS: positive(30_000),
  UPSTREAM_CONNECTIONS: positive(128),
  UPSTREAM_PIPELINING: positive(1),
  OPENAPI_REFRESH_INTERVAL_MS: positive(60_000),
  TRUST_PROXY: flag('false'),
  /** The broker the edge hears deal and stock events from; unset, every purchase is forwarded. */
  AMQP_URL: z.string().url().optional(),
  /** Refuse at the edge purchases of deals known (from events) to be sold out or not open. */
  EDGE_ANSWERS: flag('true'),
  /** Forwarded purchases whose Idempotency-Key is remembered, so their retries are forwarded too. */
  EDGE_REMEMBERED_KEYS: positive(200_000),
  /** Gateway processes sharing the port (node cluster); more than one uses more cores. */
  GATEWAY_WORKERS: positive(1),
}

export type GatewayConfig = ReturnType<typeof loadGatewayConfig>

export function loadGatewayConfig(env: Record<string, string | undefined> = process.env) {
  return loadConfig(gatewayConfigShape, env)
}
