// Seller API keys `dk_<publicId>_<secret>`: shown once at creation, stored as the secret's sha256
// and found by public id. The gateway introspects a presented key on every seller API call.
import { randomBytes, timingSafeEqual } from 'node:crypto'
import { NotFound, Forbidden } from '@deals/service-kit'
import { apiKeyRevokedV1, type ApiKeyScope } from '@deals/contracts'
import { newOpaqueToken, sha256 } from '../crypto/opaque-token.ts'
import type { AuthDb } from '../database.ts'
import { publishEvent } from '../events/publish-event.ts'

const KEY_FORMAT = /^dk_([a-z0-9]{16})_([A-Za-z0-9_-]{43})$/
/** lastUsedAt is a hint for the seller, not an audit log: write it at most once a minute. */
const LAST_USED_RESOLUTION_MS = 60_000

type ApiKeyRow = Awaited<ReturnType<AuthDb['apiKey']['findFirstOrThrow']>>

export interface ApiKeyView {
  id: string
  name: string
  prefix: string
  scopes: string[]
  expiresAt: string | null
  revokedAt: string | null
  lastUsedAt: string | null
  createdAt: string
}

export type Introspection =
  | { active: false }
  | {
      active: true
      apiKeyId: string
      sellerId: string
      userId: string
      scopes: string[]
      rateLimitPerMinute: number
    }

const view = (row: ApiKeyRow): ApiKeyView => ({
  id: row.id,
  name: row.name,
  prefix: `dk_${row.publicId}`,
  scopes: row.scopes,
  expiresAt: row.expiresAt?.toISOString() ?? null,
  revokedAt: row.revokedAt?.toISOString() ?? null,
  lastUsedAt: row.lastUsedAt?.toISOString() ?? null,
  createdAt: row.createdAt.toISOString(),
})

export class ApiKeys {
  constructor(private readonly db: AuthDb) {}

  async create(
    userId: string,
    input: { name: string; scopes: ApiKeyScope[]; expiresAt?: Date },
  ): Promise<ApiKeyView & { key: string }> {
    const sellerId = await this.sellerOf(userId)
    if (!sellerId) throw Forbidden('Only sellers can create API keys')
    const publicId = randomBytes(8).toString('hex')
    const secret = newOpaqueToken()
    const row = await this.db.apiKey.create({
      data: {
        publicId,
        secretHash: sha256(secret),
        name: input.name,
        scopes: [...new Set(input.scopes)],
        sellerId,
        userId,
        expiresAt: input.expiresAt ?? null,
      },
    })
    return { ...view(row), key: `dk_${publicId}_${secret}` }
  }

  async list(userId: string): Promise<ApiKeyView[]> {
    const sellerId = await this.sellerOf(userId)
    if (!sellerId) return []
    const rows = await this.db.apiKey.findMany({ where: { sellerId }, orderBy: { createdAt: 'desc' } })
    return rows.map(view)
  }

  async revoke(userId: string, id: string): Promise<void> {
    const sellerId = await this.sellerOf(userId)
    await this.db.$transaction(async (tx) => {
      const key = sellerId ? await tx.apiKey.findFirst({ where: { id, sellerId } }) : null
      if (!key) throw NotFound('No such API key')
      if (key.revokedAt) return
      await tx.apiKey.update({ where: { id }, data: { revokedAt: new Date() } })
      await publishEvent(tx, apiKeyRevokedV1, { apiKeyId: id, sellerId: key.sellerId })
    })
  }

  /** The seller is read from the database, so a key always belongs to the seller the account is now. */
  private async sellerOf(userId: string): Promise<string | undefined> {
    return (await this.db.seller.findUnique({ where: { userId } }))?.id
  }

  async introspect(key: string): Promise<Introspection> {
    const m = KEY_FORMAT.exec(key)
    if (!m) return { active: false }
    const row = await this.db.apiKey.findUnique({ where: { publicId: m[1]! } })
    if (!row) return { active: false }
    const given = Buffer.from(sha256(m[2]!))
    const stored = Buffer.from(row.secretHash)
    const now = new Date()
    if (given.length !== stored.length || !timingSafeEqual(given, stored)) return { active: false }
    if (row.revokedAt || (row.expiresAt && row.expiresAt <= now)) return { active: false }
    if (!row.lastUsedAt || now.getTime() - row.lastUsedAt.getTime() > LAST_USED_RESOLUTION_MS)
      await this.db.apiKey.updateMany({
        where: {
          id: row.id,
          OR: [
            { lastUsedAt: null },
            { lastUsedAt: { lt: new Date(now.getTime() - LAST_USED_RESOLUTION_MS) } },
          ],
        },
        data: { lastUsedAt: now },
      })
    return {
      active: true,
      apiKeyId: row.id,
      sellerId: row.sellerId,
      userId: row.userId,
      scopes: row.scopes,
      rateLimitPerMinute: row.rateLimitPerMinute,
    }
  }
}
