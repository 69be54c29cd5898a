// The deals the waiting room knows: applied from catalog snapshots (newest version wins) and stock
// events (newest change wins) in PostgreSQL, the durable list, and mirrored into each deal's Redis
// hash, which the hot path reads. `reconcile` rebuilds the mirror at start, so a Redis that lost
// its data or missed a write while this replica was down catches up.
import type { Redis } from 'ioredis'
import type { DealSnapshot } from '@deals/contracts'
import type { QueueDb, QueueTx } from '../database.ts'
import { ACTIVE_DEALS_KEY, dealKeys } from '../waiting-room/queue-keys.ts'
import { DealNotFound } from '../queue-errors.ts'

/** How long a deal's waiting room is kept after its end, for late readers of their status. */
const KEEP_AFTER_END_MS = 3600_000

/** The fields of a catalog deal snapshot the waiting room reads. */
export type DealChange = Pick<
  DealSnapshot,
  'dealId' | 'version' | 'status' | 'startsAt' | 'endsAt' | 'queueRequired'
>

export interface StockChange {
  dealId: string
  soldOut: boolean
  at: Date
}

interface DealRow {
  id: string
  version: number
  status: string
  startsAt: Date
  endsAt: Date
  queueRequired: boolean
  soldOut: boolean
  stockChangedAt: Date | null
  admissionRatePerSecond: number | null
}

export class DealDirectory {
  constructor(
    private readonly db: QueueDb,
    private readonly redis: Redis,
  ) {}

  /** Applies a deal snapshot unless a newer version is already held. */
  async applySnapshot(tx: QueueTx, deal: DealChange): Promise<void> {
    const startsAt = new Date(deal.startsAt)
    const endsAt = new Date(deal.endsAt)
    await tx.$executeRaw`
      INSERT INTO deals (id, version, status, starts_at, ends_at, queue_required, updated_at)
      VALUES (${deal.dealId}::uuid, ${deal.version}, ${deal.status}::"DealStatus", ${startsAt}, ${endsAt},
              ${deal.queueRequired}, now())
      ON CONFLICT (id) DO UPDATE SET version = EXCLUDED.version, status = EXCLUDED.status,
        starts_at = EXCLUDED.starts_at, ends_at = EXCLUDED.ends_at, queue_required = EXCLUDED.queue_required,
        updated_at = now()
      WHERE deals.version < EXCLUDED.version`
    await this.mirror(await this.row(tx, deal.dealId))
  }

  /**
   * Applies a sold-out or restock unless a later stock change is already held. A deal not known
   * yet means its snapshot is still on its way: throwing lets the message be retried after it.
   */
  async applyStock(tx: QueueTx, change: StockChange): Promise<void> {
    await tx.$executeRaw`
      UPDATE deals SET sold_out = ${change.soldOut}, stock_changed_at = ${change.at}, updated_at = now()
      WHERE id = ${change.dealId}::uuid AND (stock_changed_at IS NULL OR stock_changed_at <= ${change.at})`
    await this.mirror(await this.row(tx, change.dealId))
  }

  /** Sets (or with null, clears) a deal's own admission rate. */
  async setAdmissionRate(dealId: string, perSecond: number | null): Promise<void> {
    const [updated] = await this.db.queueDeal.updateManyAndReturn({
      where: { id: dealId },
      data: { admissionRatePerSecond: perSecond },
    })
    if (!updated) throw DealNotFound()
    await this.mirror(updated)
  }

  /** Mirrors one deal from PostgreSQL; false when the deal is unknown. */
  async restore(dealId: string): Promise<boolean> {
    const row = await this.db.queueDeal.findUnique({ where: { id: dealId } })
    if (row) await this.mirror(row)
    return row !== null
  }

  /** Mirrors every deal that has not ended long ago; run at start. */
  async reconcile(): Promise<number> {
    const rows = await this.db.queueDeal.findMany({
      where: { endsAt: { gt: new Date(Date.now() - KEEP_AFTER_END_MS) } },
    })
    for (const row of rows) await this.mirror(row)
    return rows.length
  }

  private async row(tx: QueueTx, dealId: string): Promise<DealRow> {
    const row = await tx.queueDeal.findUnique({ where: { id: dealId } })
    if (!row) throw new Error(`deal ${dealId} is not known yet`)
    return row
  }

  private async mirror(row: DealRow): Promise<void> {
    const keys = dealKeys(row.id)
    const endsAt = row.endsAt.getTime()
    await this.redis.queueMirrorDeal(
      keys.state,
      keys.waiting,
      keys.admitted,
      keys.tokens,
      row.version,
      row.status,
      row.startsAt.getTime(),
      endsAt,
      row.queueRequired ? 1 : 0,
      row.admissionRatePerSecond ?? '',
      row.soldOut ? 1 : 0,
      row.stockChangedAt?.getTime() ?? 0,
      endsAt + KEEP_AFTER_END_MS,
    )
    const running = row.queueRequired && row.status !== 'ENDED' && endsAt > Date.now()
    if (running) await this.redis.sadd(ACTIVE_DEALS_KEY, row.id)
    else await this.redis.srem(ACTIVE_DEALS_KEY, row.id)
  }
}
