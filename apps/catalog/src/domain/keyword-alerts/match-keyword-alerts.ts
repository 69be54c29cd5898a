// Which keyword alerts a text (a new deal's product name) sets off: those whose normalized keyword
// occurs in the normalized text. The deals use cases call it in the transaction that schedules a
// deal and write one `keyword-alert.matched.v1` per match.
import type { CatalogTx } from '../database.ts'
import { normalizeKeyword } from './normalize-keyword.ts'

export interface MatchedKeywordAlert {
  alertId: string
  userId: string
  keyword: string
}

/** Every alert set off by `text`, in a stable order; works with a transaction or the client. */
export async function matchKeywordAlerts(
  tx: Pick<CatalogTx, '$queryRaw'>,
  text: string,
): Promise<MatchedKeywordAlert[]> {
  const normalized = normalizeKeyword(text)
  if (!normalized) return []
  return tx.$queryRaw<MatchedKeywordAlert[]>`
    SELECT id::text AS "alertId", user_id::text AS "userId", keyword
    FROM keyword_alerts
    WHERE strpos(${normalized}, normalized) > 0
    ORDER BY id`
}
