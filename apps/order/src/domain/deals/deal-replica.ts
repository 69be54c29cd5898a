// The order service's copy of the catalog's deals, kept from the catalog's deal events. A
// snapshot older than the copy is dropped; a deal heard of for the first time gets its stock
// counters, and a later snapshot updates their terms (and the quantity, before opening).
import type { DealSnapshot } from '@deals/contracts'
import type { OrderTx } from '../database.ts'
import type { StockCounters } from '../inventory/stock-counters.ts'

export class DealReplica {
  constructor(private readonly stock: StockCounters) {}

  /** Applies the snapshot in the consumer's transaction; 'STALE' when an equal or newer one is kept. */
  async apply(tx: OrderTx, deal: DealSnapshot): Promise<'APPLIED' | 'STALE'> {
    const rows = await tx.$queryRaw<{ inserted: boolean }[]>`
      INSERT INTO deals (id, version, status, seller_id, store_id, product_id, product_name, deal_price,
                         regular_price, quantity, per_user_limit, starts_at, ends_at, queue_required, updated_at)
      VALUES (${deal.dealId}::uuid, ${deal.version}, ${deal.status}::"DealStatus", ${deal.sellerId}::uuid,
              ${deal.storeId}::uuid, ${deal.productId}::uuid, ${deal.productName}, ${deal.dealPrice},
              ${deal.regularPrice}, ${deal.quantity}, ${deal.perUserLimit}, ${new Date(deal.startsAt)},
              ${new Date(deal.endsAt)}, ${deal.queueRequired}, now())
      ON CONFLICT (id) DO UPDATE SET
        version = EXCLUDED.version, status = EXCLUDED.status, seller_id = EXCLUDED.seller_id,
        store_id = EXCLUDED.store_id, product_id = EXCLUDED.product_id, product_name = EXCLUDED.product_name,
        deal_price = EXCLUDED.deal_price, regular_price = EXCLUDED.regular_price, quantity = EXCLUDED.quantity,
        per_user_limit = EXCLUDED.per_user_limit, starts_at = EXCLUDED.starts_at, ends_at = EXCLUDED.ends_at,
        queue_required = EXCLUDED.queue_required, updated_at = now()
      WHERE deals.version < EXCLUDED.version
      RETURNING (xmax = 0) AS inserted`
    const [row] = rows
    if (!row) return 'STALE'
    await this.stock.syncDeal(deal, row.inserted)
    return 'APPLIED'
  }
}
