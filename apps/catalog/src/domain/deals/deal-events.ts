// Writes deal events into the outbox inside the transaction of the change they describe, checked
// against their contract first: a malformed event fails the change instead of reaching consumers.
import { enqueue } from '@deals/messaging'
import { keywordAlertMatchedV1, type DealSnapshot } from '@deals/contracts'
import type { Deal } from '../../generated/prisma/client.ts'
import type { CatalogTx } from '../database.ts'
import { matchKeywordAlerts } from '../keyword-alerts/match-keyword-alerts.ts'
import { dealSnapshot } from './deal-view.ts'

export interface DealEventContract {
  name: string
  payload: { parse(value: unknown): DealSnapshot }
}

export async function publishDealEvent(tx: CatalogTx, event: DealEventContract, deal: Deal): Promise<void> {
  await enqueue(tx, { name: event.name, payload: event.payload.parse(dealSnapshot(deal)) })
}

/** One `keyword-alert.matched.v1` per buyer keyword alert the deal's product name sets off. */
export async function publishKeywordMatches(tx: CatalogTx, deal: Deal): Promise<number> {
  const alerts = await matchKeywordAlerts(tx, deal.productName)
  const snapshot = dealSnapshot(deal)
  for (const alert of alerts) {
    const payload = keywordAlertMatchedV1.payload.parse({ ...alert, deal: snapshot })
    await enqueue(tx, { name: keywordAlertMatchedV1.name, payload })
  }
  return alerts.length
}
