// What catalog events tell users directly: a store they follow announced a deal, and a new deal
// matched one of their keyword alerts.
import type { NotificationTx } from '../database.ts'
import type { Notice } from '../feed/notification-feed.ts'
import type { DealSnapshot } from './deal-reminders.ts'
import { storeFollowers } from './catalog-interests.ts'

export async function storeDealNotices(
  tx: NotificationTx,
  messageId: string,
  deal: DealSnapshot,
): Promise<Notice[]> {
  return (await storeFollowers(tx, deal.storeId)).map((userId) => ({
    userId,
    kind: 'STORE_DEAL',
    sourceEventId: messageId,
    title: `New deal from a store you follow: ${deal.productName}`,
    body: `${deal.productName} goes on sale at ${deal.startsAt}.`,
    data: { dealId: deal.dealId, storeId: deal.storeId, productId: deal.productId, startsAt: deal.startsAt },
  }))
}

export interface KeywordMatch {
  userId: string
  alertId: string
  keyword: string
  deal: { dealId: string; productId: string; productName: string; startsAt: string }
}

export function keywordAlertNotice(messageId: string, match: KeywordMatch): Notice {
  const { deal } = match
  return {
    userId: match.userId,
    kind: 'KEYWORD_ALERT',
    sourceEventId: messageId,
    title: `“${match.keyword}”: ${deal.productName}`,
    body: `A new deal matches your keyword alert “${match.keyword}”: ${deal.productName}, from ${deal.startsAt}.`,
    data: { alertId: match.alertId, keyword: match.keyword, dealId: deal.dealId, productId: deal.productId },
  }
}
