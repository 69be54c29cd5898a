// Resolves a seller API key through auth's introspection endpoint, caching the answer briefly
// (longer for a valid key than for a refused one) under a hash of the key, with one call in
// flight per key however many requests carry it.
import { createHash } from 'node:crypto'
import { LRUCache } from 'lru-cache'
import { z } from 'zod'
import { identitySchema, type Identity } from '@deals/contracts'

export interface ApiKeyPrincipal {
  identity: Identity
  rateLimitPerMinute: number | undefined
}

export interface ApiKeyResolverOptions {
  introspect: (key: string) => Promise<unknown>
  positiveTtlMs: number
  negativeTtlMs: number
  maxEntries?: number
}

const introspectionSchema = z.union([
  z.object({
    active: z.literal(true),
    apiKeyId: z.string(),
    sellerId: z.string(),
    userId: z.string(),
    scopes: z.array(z.string()),
    rateLimitPerMinute: z.number().int().positive().optional(),
  }),
  z.object({ active: z.literal(false) }),
])

type Resolution = { principal: ApiKeyPrincipal | null }

export class ApiKeyResolver {
  readonly #cache: LRUCache<string, Resolution, string>

  constructor(private readonly options: ApiKeyResolverOptions) {
    this.#cache = new LRUCache<string, Resolution, string>({
      max: options.maxEntries ?? 10_000,
      ttl: options.positiveTtlMs,
      fetchMethod: async (_hash, _stale, { options: fetchOptions, context }) => {
        const resolution = this.#toResolution(await this.options.introspect(context))
        if (!resolution.principal) fetchOptions.ttl = this.options.negativeTtlMs
        return resolution
      },
    })
  }

  /** The seller behind the key, or null when the key is unknown, revoked or expired. */
  async resolve(key: string): Promise<ApiKeyPrincipal | null> {
    const hash = createHash('sha256').update(key).digest('base64url')
    const resolution = await this.#cache.fetch(hash, { context: key })
    return resolution?.principal ?? null
  }

  #toResolution(answer: unknown): Resolution {
    const parsed = introspectionSchema.safeParse(answer)
    if (!parsed.success || !parsed.data.active) return { principal: null }
    const identity = identitySchema.safeParse({
      userId: parsed.data.userId,
      roles: ['SELLER'],
      sellerId: parsed.data.sellerId,
      apiKeyId: parsed.data.apiKeyId,
      scopes: parsed.data.scopes,
    })
    if (!identity.success) return { principal: null }
    return { principal: { identity: identity.data, rateLimitPerMinute: parsed.data.rateLimitPerMinute } }
  }
}
