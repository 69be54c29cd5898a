// Sellers' daily settlements: for one day in the settlement time zone, each seller's gross (orders
// paid that day), refunds completed that day and the net, written with one upsert keyed by
// (seller, day) so that running a day again gives the same rows. Each computed row is announced
// with `payment.settlement-completed.v1` in the same transaction.
import { z } from 'zod'
import { enqueue } from '@deals/messaging'
import { decodeCursor, encodeCursor } from '@deals/service-kit'
import { paymentSettlementCompletedV1, type EventPayload } from '@deals/contracts'
import type { PaymentDb } from '../database.ts'
import type { PaymentMetrics } from '../payments/payment-metrics.ts'

export interface SettlementView {
  sellerId: string
  /** YYYY-MM-DD in the settlement time zone. */
  date: string
  grossAmount: number
  refundedAmount: number
  netAmount: number
  paidCount: number
  refundCount: number
  computedAt: string
}

interface SettlementRow {
  sellerId: string
  date: string
  grossAmount: bigint
  refundedAmount: bigint
  netAmount: bigint
  paidCount: number
  refundCount: number
  computedAt: Date
}

const view = (r: SettlementRow): SettlementView => ({
  sellerId: r.sellerId,
  date: r.date,
  grossAmount: Number(r.grossAmount),
  refundedAmount: Number(r.refundedAmount),
  netAmount: Number(r.netAmount),
  paidCount: r.paidCount,
  refundCount: r.refundCount,
  computedAt: r.computedAt.toISOString(),
})

/** The calendar day before `now` in `timeZone`, as YYYY-MM-DD. */
export function previousDay(now: Date, timeZone: string): string {
  const today = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(now)
  const midnight = new Date(`${today}T00:00:00Z`)
  return new Date(midnight.getTime() - 86_400_000).toISOString().slice(0, 10)
}

const cursorShape = { date: z.iso.date() }

export class Settlements {
  constructor(private readonly deps: { db: PaymentDb; metrics: PaymentMetrics; timeZone: string }) {}

  /** Settles `date` (YYYY-MM-DD) for every seller with sales or refunds that day. */
  async run(date: string): Promise<SettlementView[]> {
    const { db, metrics, timeZone } = this.deps
    const settled = await db.$transaction(async (tx) => {
      const rows = await tx.$queryRaw<SettlementRow[]>`
        WITH bounds AS (
          SELECT (${date}::date)::timestamp AT TIME ZONE ${timeZone} AS day_start,
                 (${date}::date + 1)::timestamp AT TIME ZONE ${timeZone} AS day_end
        ), paid AS (
          SELECT seller_id, SUM(amount)::bigint AS gross, COUNT(*)::int AS paid_count
          FROM payments, bounds
          WHERE paid_at >= day_start AND paid_at < day_end
          GROUP BY seller_id
        ), refunded AS (
          SELECT seller_id, SUM(refunded_amount)::bigint AS refunded, COUNT(*)::int AS refund_count
          FROM payments, bounds
          WHERE refunded_at >= day_start AND refunded_at < day_end AND refunded_amount > 0
          GROUP BY seller_id
        ), sellers AS (
          SELECT seller_id FROM paid UNION SELECT seller_id FROM refunded
        )
        INSERT INTO settlements (seller_id, date, gross_amount, refunded_amount, net_amount, paid_count,
                                 refund_count, computed_at)
        SELECT s.seller_id, ${date}::date, COALESCE(p.gross, 0), COALESCE(r.refunded, 0),
               COALESCE(p.gross, 0) - COALESCE(r.refunded, 0), COALESCE(p.paid_count, 0),
               COALESCE(r.refund_count, 0), now()
        FROM sellers s LEFT JOIN paid p USING (seller_id) LEFT JOIN refunded r USING (seller_id)
        ON CONFLICT (seller_id, date) DO UPDATE SET
          gross_amount = EXCLUDED.gross_amount, refunded_amount = EXCLUDED.refunded_amount,
          net_amount = EXCLUDED.net_amount, paid_count = EXCLUDED.paid_count,
          refund_count = EXCLUDED.refund_count, computed_at = EXCLUDED.computed_at
        RETURNING seller_id AS "sellerId", to_char(date, 'YYYY-MM-DD') AS date, gross_amount AS "grossAmount",
                  refunded_amount AS "refundedAmount", net_amount AS "netAmount", paid_count AS "paidCount",
                  refund_count AS "refundCount", computed_at AS "computedAt"`
      const settled = rows.map(view).sort((a, b) => a.sellerId.localeCompare(b.sellerId))
      for (const s of settled) {
        const payload: EventPayload<typeof paymentSettlementCompletedV1> = {
          sellerId: s.sellerId,
          date: s.date,
          grossAmount: s.grossAmount,
          refundedAmount: s.refundedAmount,
          netAmount: s.netAmount,
          computedAt: s.computedAt,
        }
        await enqueue(tx, { name: paymentSettlementCompletedV1.name, payload })
      }
      return settled
    })
    metrics.settlementRun(settled.length)
    return settled
  }

  /** A seller's settlements, newest day first, optionally within [from, to]. */
  async ofSeller(
    sellerId: string,
    query: { limit: number; cursor?: string | undefined; from?: string | undefined; to?: string | undefined },
  ): Promise<{ items: SettlementView[]; nextCursor: string | null }> {
    const before = query.cursor ? decodeCursor(query.cursor, cursorShape).date : undefined
    const rows = await this.deps.db.$queryRaw<SettlementRow[]>`
      SELECT seller_id AS "sellerId", to_char(date, 'YYYY-MM-DD') AS date, gross_amount AS "grossAmount",
             refunded_amount AS "refundedAmount", net_amount AS "netAmount", paid_count AS "paidCount",
             refund_count AS "refundCount", computed_at AS "computedAt"
      FROM settlements
      WHERE seller_id = ${sellerId}::uuid
        AND (${query.from ?? null}::date IS NULL OR date >= ${query.from ?? null}::date)
        AND (${query.to ?? null}::date IS NULL OR date <= ${query.to ?? null}::date)
        AND (${before ?? null}::date IS NULL OR date < ${before ?? null}::date)
      ORDER BY date DESC
      LIMIT ${query.limit + 1}`
    const items = rows.slice(0, query.limit).map(view)
    const last = items.at(-1)
    return {
      items,
      nextCursor: rows.length > query.limit && last ? encodeCursor({ date: last.date }) : null,
    }
  }
}
