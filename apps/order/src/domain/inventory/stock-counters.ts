// A deal's stock in Redis: the counters (quantity = remaining + reserved + sold), who holds how
// many units, and the live reservations with their deadlines. Every change runs as one Lua
// script, loaded once per connection with `defineCommand`, so concurrent buyers never interleave.
import { readFileSync } from 'node:fs'
import { SpanStatusCode, trace } from '@opentelemetry/api'
import type { Redis, Result } from 'ioredis'
import type { DealSnapshot } from '@deals/contracts'
import { STOCK_DEALS_KEY, stockKeys } from './stock-keys.ts'

const tracer = trace.getTracer('@deals/order')

const script = (name: string) => readFileSync(new URL(`./${name}.lua`, import.meta.url), 'utf8')

type Reply = [string, number]
type ReleaseReply = [string, number, number]

declare module 'ioredis' {
  interface RedisCommander<Context> {
    reserveStock(
      ...args: [k1: string, k2: string, k3: string, k4: string, k5: string, ...argv: (string | number)[]]
    ): Result<Reply, Context>
    releaseStock(
      ...args: [k1: string, k2: string, k3: string, k4: string, id: string]
    ): Result<ReleaseReply, Context>
    commitStock(...args: [k1: string, k2: string, k3: string, id: string]): Result<Reply, Context>
    unsellStock(
      ...args: [k1: string, k2: string, k3: string, k4: string, k5: string, ...argv: (string | number)[]]
    ): Result<ReleaseReply, Context>
    syncDealStock(...args: [k1: string, ...argv: (string | number)[]]): Result<[string], Context>
    restoreStock(
      ...args: [k1: string, k2: string, k3: string, k4: string, k5: string, state: string]
    ): Result<number, Context>
  }
}

export type ReserveOutcome =
  | 'RESERVED'
  | 'UNKNOWN_DEAL'
  | 'DEAL_NOT_OPEN'
  | 'ADMISSION_REQUIRED'
  | 'ADMISSION_USED'
  | 'PURCHASE_LIMIT_EXCEEDED'
  | 'SOLD_OUT'

export interface ReserveRequest {
  dealId: string
  reservationId: string
  userId: string
  quantity: number
  deadline: Date
  now: Date
  /** The admission token's id, when the buyer presented a valid one. */
  admission?: { jti: string; expiresAt: Date }
}

export interface StockLevels {
  quantity: number
  remaining: number
  reserved: number
  sold: number
}

export interface RestoredStock {
  terms: Record<string, string | number>
  levels: StockLevels
  holders: Record<string, number>
  reservations: { id: string; userId: string; quantity: number; deadline: number }[]
  /** Paid orders since cancelled: their units are not in `sold`, and an unsell must not repeat that. */
  returned: string[]
}

/** Keeps the admission marker a minute past the token's expiry, for clocks that disagree. */
const ADMISSION_MARKER_MARGIN_MS = 60_000

export class StockCounters {
  constructor(private readonly redis: Redis) {
    redis.defineCommand('reserveStock', { numberOfKeys: 5, lua: script('reserve-stock') })
    redis.defineCommand('releaseStock', { numberOfKeys: 4, lua: script('release-stock') })
    redis.defineCommand('commitStock', { numberOfKeys: 3, lua: script('commit-stock') })
    redis.defineCommand('unsellStock', { numberOfKeys: 5, lua: script('unsell-stock') })
    redis.defineCommand('syncDealStock', { numberOfKeys: 1, lua: script('sync-deal-stock') })
    redis.defineCommand('restoreStock', { numberOfKeys: 5, lua: script('restore-stock') })
  }

  async reserve(r: ReserveRequest): Promise<{ outcome: ReserveOutcome; remaining: number }> {
    const keys = stockKeys(r.dealId)
    const jti = r.admission?.jti ?? ''
    const markerTtl = r.admission
      ? Math.max(1, r.admission.expiresAt.getTime() - r.now.getTime()) + ADMISSION_MARKER_MARGIN_MS
      : 1
    // The hot path's one decision gets a span of its own, with its outcome, around Redis' EVALSHA.
    return tracer.startActiveSpan(
      'stock.reserve',
      { attributes: { 'deal.id': r.dealId, 'stock.quantity': r.quantity } },
      async (span) => {
        try {
          const [outcome, remaining] = await this.redis.reserveStock(
            keys.stock,
            keys.holders,
            keys.reservations,
            keys.deadlines,
            keys.admission(jti || 'none'),
            r.reservationId,
            r.userId,
            r.quantity,
            r.deadline.getTime(),
            r.now.getTime(),
            jti,
            markerTtl,
          )
          span.setAttributes({ 'stock.outcome': outcome, 'stock.remaining': remaining })
          return { outcome: outcome as ReserveOutcome, remaining }
        } catch (err) {
          span.recordException(err as Error)
          span.setStatus({ code: SpanStatusCode.ERROR })
          throw err
        } finally {
          span.end()
        }
      },
    )
  }

  /** Gives the units back; `remainingBefore` is 0 when the release ends a sell-out. */
  async release(
    dealId: string,
    reservationId: string,
  ): Promise<{ released: boolean; remainingBefore: number; quantity: number }> {
    const keys = stockKeys(dealId)
    const [outcome, remainingBefore, quantity] = await this.redis.releaseStock(
      keys.stock,
      keys.holders,
      keys.reservations,
      keys.deadlines,
      reservationId,
    )
    return { released: outcome === 'RELEASED', remainingBefore, quantity }
  }

  /** Counts a paid reservation as sold; for the purchase saga once payment succeeds. */
  async commit(dealId: string, reservationId: string): Promise<boolean> {
    const keys = stockKeys(dealId)
    const [outcome] = await this.redis.commitStock(
      keys.stock,
      keys.reservations,
      keys.deadlines,
      reservationId,
    )
    return outcome === 'COMMITTED'
  }

  /**
   * Puts a cancelled paid order's units back on sale (or releases its reservation if the payment
   * was never committed here); `returned` is false when an earlier call did, or the counters are
   * missing (a rebuild leaves cancelled orders out anyway).
   */
  async unsell(order: {
    dealId: string
    orderId: string
    userId: string
    quantity: number
  }): Promise<{ returned: boolean; remainingBefore: number; quantity: number }> {
    const keys = stockKeys(order.dealId)
    const [outcome, remainingBefore, quantity] = await this.redis.unsellStock(
      keys.stock,
      keys.holders,
      keys.reservations,
      keys.deadlines,
      keys.returned,
      order.orderId,
      order.userId,
      order.quantity,
    )
    return { returned: outcome === 'RETURNED', remainingBefore, quantity }
  }

  /** Applies a deal snapshot; `firstSeen` allows creating counters that do not exist. */
  async syncDeal(deal: DealSnapshot, firstSeen: boolean): Promise<'SYNCED' | 'STALE' | 'MISSING'> {
    const keys = stockKeys(deal.dealId)
    const [outcome] = await this.redis.syncDealStock(
      keys.stock,
      deal.version,
      deal.status,
      Date.parse(deal.startsAt),
      Date.parse(deal.endsAt),
      deal.queueRequired ? 1 : 0,
      deal.perUserLimit,
      deal.quantity,
      firstSeen ? 1 : 0,
    )
    if (outcome === 'SYNCED') await this.redis.sadd(STOCK_DEALS_KEY, deal.dealId)
    return outcome as 'SYNCED' | 'STALE' | 'MISSING'
  }

  /** Writes rebuilt counters unless they exist again; true when written. */
  async restore(dealId: string, state: RestoredStock): Promise<boolean> {
    const keys = stockKeys(dealId)
    const written = await this.redis.restoreStock(
      keys.stock,
      keys.holders,
      keys.reservations,
      keys.deadlines,
      keys.returned,
      JSON.stringify({
        stock: { ...state.terms, ...state.levels },
        holders: state.holders,
        reservations: state.reservations,
        returned: state.returned,
      }),
    )
    if (written === 1) await this.redis.sadd(STOCK_DEALS_KEY, dealId)
    return written === 1
  }

  /** The counters, or null when Redis has none for the deal. */
  async levels(dealId: string): Promise<StockLevels | null> {
    const values = await this.redis.hmget(
      stockKeys(dealId).stock,
      'quantity',
      'remaining',
      'reserved',
      'sold',
    )
    if (values.some((v) => v === null)) return null
    const [quantity, remaining, reserved, sold] = values.map(Number) as [number, number, number, number]
    return { quantity, remaining, reserved, sold }
  }

  /** Remaining units of many deals in one round trip (null where counters are missing). */
  async remainingOf(dealIds: readonly string[]): Promise<(number | null)[]> {
    if (dealIds.length === 0) return []
    const pipeline = this.redis.pipeline()
    for (const id of dealIds) pipeline.hget(stockKeys(id).stock, 'remaining')
    const results = (await pipeline.exec()) ?? []
    return results.map(([, value]) => (value === null || value === undefined ? null : Number(value)))
  }

  /** Reservations of a deal whose deadline is before `before`, oldest first. */
  async lapsedReservations(dealId: string, before: Date, offset: number, limit: number): Promise<string[]> {
    return this.redis.zrangebyscore(
      stockKeys(dealId).deadlines,
      '-inf',
      before.getTime(),
      'LIMIT',
      offset,
      limit,
    )
  }

  async dealsWithStock(): Promise<string[]> {
    return this.redis.smembers(STOCK_DEALS_KEY)
  }

  /** Takes the deal's rebuild lock; only its holder rebuilds. */
  async lockRebuild(dealId: string, token: string, ttlMs: number): Promise<boolean> {
    return (await this.redis.set(stockKeys(dealId).rebuildLock, token, 'PX', ttlMs, 'NX')) === 'OK'
  }

  async unlockRebuild(dealId: string): Promise<void> {
    await this.redis.del(stockKeys(dealId).rebuildLock)
  }

  async isRebuilding(dealId: string): Promise<boolean> {
    return (await this.redis.exists(stockKeys(dealId).rebuildLock)) === 1
  }
}
