// A buyer's keyword alerts: up to 20 keywords, each told to the buyer when a new deal's product
// name contains it. Adding a keyword the buyer already has is not an error: the existing alert is
// answered (`created: false`), so a retried request is harmless.
import { defineError } from '@deals/service-kit'
import type { KeywordAlert } from '../../generated/prisma/client.ts'
import { HOT_ROW_TRANSACTION, type CatalogDb } from '../database.ts'
import { normalizeKeyword } from './normalize-keyword.ts'

export const MAX_KEYWORD_ALERTS = 20

export const KeywordAlertLimitReached = defineError(
  'KEYWORD_ALERT_LIMIT_REACHED',
  409,
  `At most ${MAX_KEYWORD_ALERTS} keyword alerts per user`,
)
export const KeywordAlertNotFound = defineError('KEYWORD_ALERT_NOT_FOUND', 404, 'No such keyword alert')
export const EmptyKeyword = defineError('EMPTY_KEYWORD', 400, 'The keyword has no characters to match')

export interface KeywordAlertView {
  id: string
  keyword: string
  normalized: string
  createdAt: string
}

const view = (row: KeywordAlert): KeywordAlertView => ({
  id: row.id,
  keyword: row.keyword,
  normalized: row.normalized,
  createdAt: row.createdAt.toISOString(),
})

export class KeywordAlerts {
  constructor(private readonly db: CatalogDb) {}

  async list(userId: string): Promise<KeywordAlertView[]> {
    const rows = await this.db.keywordAlert.findMany({ where: { userId }, orderBy: { id: 'desc' } })
    return rows.map(view)
  }

  async add(userId: string, keyword: string): Promise<{ alert: KeywordAlertView; created: boolean }> {
    const normalized = normalizeKeyword(keyword)
    if (!normalized) throw EmptyKeyword()
    return this.db.$transaction(async (tx) => {
      // One user's additions run one at a time, so the limit holds under concurrent requests.
      await tx.$executeRawUnsafe(
        `SELECT pg_advisory_xact_lock(hashtextextended('keyword-alerts:' || $1, 0))`,
        userId,
      )
      const existing = await tx.keywordAlert.findUnique({
        where: { userId_normalized: { userId, normalized } },
      })
      if (existing) return { alert: view(existing), created: false }
      if ((await tx.keywordAlert.count({ where: { userId } })) >= MAX_KEYWORD_ALERTS)
        throw KeywordAlertLimitReached()
      const row = await tx.keywordAlert.create({ data: { userId, keyword: keyword.trim(), normalized } })
      return { alert: view(row), created: true }
    }, HOT_ROW_TRANSACTION)
  }

  async remove(userId: string, id: string): Promise<void> {
    const { count } = await this.db.keywordAlert.deleteMany({ where: { id, userId } })
    if (count === 0) throw KeywordAlertNotFound()
  }
}
