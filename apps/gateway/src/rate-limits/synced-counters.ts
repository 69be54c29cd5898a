// Rate-limit counters that answer from memory and meet in Redis in batches, the way Kong's
// rate-limiting plugin does with its sync_rate: one Redis round trip per request cost the gateway
// and Redis about 5 % of their CPU per purchase on the flash-sale path.
//
// Per bucket a process keeps the count Redis last reported for the current window, the requests it
// counted since, and when the window ends; a request is judged on those at once, with no I/O. Every
// `syncIntervalMs`, and as soon as `syncAfterRequests` requests are unsynced, the pending counts go
// to Redis in one pipeline (add-to-window.lua per bucket), whose answers become the shared counts
// and window ends. A sync visits only the buckets counted since the last one: with 100,000 buckets
// in memory (a sale's buyers) a walk over all of them took 2 to 3 ms, ten times a second. Buckets
// whose window ended are dropped by a walk over all of them once a second. So one process enforces
// a limit exactly, and across N processes a client gets past its limit by at most what the other
// processes counted within one sync interval. While Redis cannot be reached each process enforces
// on what it counted itself and keeps its pending counts for the next sync that succeeds, each
// until its window ends. A sync that fails after Redis applied it is sent again: its requests count
// twice, the safe side.
import { readFileSync } from 'node:fs'
import type { Redis, Result } from 'ioredis'
import type { FastifyRateLimitStore, FastifyRateLimitStoreCtor } from '@fastify/rate-limit'

declare module 'ioredis' {
  interface RedisCommander<Context> {
    gatewayAddToRateLimitWindow(
      key: string,
      requests: number,
      windowMs: number,
    ): Result<[number, number], Context>
  }
}

const ADD_TO_WINDOW = 'gatewayAddToRateLimitWindow'

/** How often a sync also walks every bucket to drop those whose window ended. */
const ENDED_WINDOWS_SWEEP_MS = 1_000

interface Bucket {
  /** Redis' count for the window at this process's last sync of the bucket (0 before one). */
  shared: number
  /** Counted here and not sent yet. */
  pending: number
  /** Sent in the sync in flight and not answered yet. */
  sending: number
  windowMs: number
  /** When the window ends, by this process's clock. */
  endsAt: number
}

export interface SyncLog {
  warn(details: object, message: string): void
  info(message: string): void
}

export interface SyncMetrics {
  syncs: { inc(labels: { result: 'ok' | 'failed' }): void }
  keys: { set(value: number): void }
}

export interface SyncedCountersOptions {
  /** Keys are written through it, so under its keyPrefix too. */
  redis: Redis
  /** Put before every bucket's key, e.g. `rl:`. */
  namespace: string
  /** The window of a caller that names none (the rate-limit plugin always names one). */
  windowMs: number
  syncIntervalMs: number
  syncAfterRequests: number
  /** Buckets kept in memory at most; the least recently used go first. */
  maxKeys: number
  log: SyncLog
  metrics?: SyncMetrics
}

export class SyncedCounters {
  /** In order of last use, least recent first. */
  private readonly buckets = new Map<string, Bucket>()
  /** Keys of the buckets with pending counts. */
  private readonly unsynced = new Set<string>()
  private endedWindowsSweptAt = 0
  private countedSinceSync = 0
  private syncing: Promise<void> | undefined
  private burstSync: Promise<void> | undefined
  private timer: NodeJS.Timeout | undefined
  private outage = false

  constructor(private readonly options: SyncedCountersOptions) {
    // Defined once per connection (ioredis sends EVALSHA, and EVAL after a script cache flush).
    const command: string = ADD_TO_WINDOW
    if (!(command in options.redis))
      options.redis.defineCommand(command, {
        numberOfKeys: 1,
        lua: readFileSync(new URL('./add-to-window.lua', import.meta.url), 'utf8'),
      })
  }

  get windowMs(): number {
    return this.options.windowMs
  }

  /** Buckets kept in memory. */
  get size(): number {
    return this.buckets.size
  }

  has(key: string): boolean {
    return this.buckets.has(key)
  }

  /** Counts one request of `key`'s bucket: its window's count so far (this one included) and the ms left. */
  count(key: string, windowMs: number): { current: number; ttl: number } {
    const now = Date.now()
    let bucket = this.buckets.get(key)
    if (bucket === undefined || bucket.endsAt <= now) {
      // A bucket not seen yet, or whose window ended, starts afresh; the next sync tells the truth.
      // Counts of an ended window that are still pending no longer matter and go with it.
      if (bucket === undefined && this.buckets.size >= this.options.maxKeys) this.evictLeastRecentlyUsed()
      bucket = { shared: 0, pending: 0, sending: 0, windowMs, endsAt: now + windowMs }
    }
    this.buckets.delete(key)
    this.buckets.set(key, bucket)
    bucket.pending++
    this.unsynced.add(key)
    if (++this.countedSinceSync >= this.options.syncAfterRequests && !this.burstSync)
      // Right after the sync in flight, if there is one.
      this.burstSync = this.flush().finally(() => {
        this.burstSync = undefined
      })
    return { current: bucket.shared + bucket.sending + bucket.pending, ttl: bucket.endsAt - now }
  }

  /** Syncs every `syncIntervalMs` until `close`; the timer never keeps the process alive. */
  start(): void {
    this.timer ??= setInterval(() => {
      if (!this.syncing) void this.flush()
    }, this.options.syncIntervalMs).unref()
  }

  /** Stops the timer and sends what is pending one last time. */
  async close(): Promise<void> {
    clearInterval(this.timer)
    this.timer = undefined
    await this.flush()
  }

  /** Sends every count pending now to Redis; resolves once Redis answered or the attempt failed. */
  async flush(): Promise<void> {
    while (this.syncing) await this.syncing
    this.syncing = this.sync().finally(() => {
      this.syncing = undefined
    })
    await this.syncing
  }

  private async sync(): Promise<void> {
    this.countedSinceSync = 0
    const now = Date.now()
    // A window that ended is over everywhere: what was counted in it no longer matters.
    if (now - this.endedWindowsSweptAt >= ENDED_WINDOWS_SWEEP_MS) {
      this.endedWindowsSweptAt = now
      for (const [key, bucket] of this.buckets) if (bucket.endsAt <= now) this.buckets.delete(key)
    }
    const batch: { key: string; bucket: Bucket }[] = []
    for (const key of this.unsynced) {
      const bucket = this.buckets.get(key)
      if (bucket === undefined || bucket.pending === 0) continue
      if (bucket.endsAt <= now) {
        this.buckets.delete(key)
        continue
      }
      bucket.sending = bucket.pending
      bucket.pending = 0
      batch.push({ key, bucket })
    }
    this.unsynced.clear()
    this.options.metrics?.keys.set(this.buckets.size)
    if (batch.length === 0) return

    const pipeline = this.options.redis.pipeline()
    for (const { key, bucket } of batch)
      pipeline[ADD_TO_WINDOW](this.options.namespace + key, bucket.sending, bucket.windowMs)
    const replies = await pipeline.exec().catch((error: unknown) => error as Error)
    const answeredAt = Date.now()

    let failure: Error | undefined
    batch.forEach(({ key, bucket }, index) => {
      const [error, reply] = replies instanceof Error ? [replies] : (replies?.[index] ?? [])
      // A bucket evicted or restarted meanwhile takes no answer about the window it left.
      const current = this.buckets.get(key) === bucket
      if (error || !Array.isArray(reply)) {
        failure ??= error ?? new Error('no reply from Redis')
        if (current) {
          bucket.pending += bucket.sending
          this.unsynced.add(key)
        }
      } else if (current) {
        const [count, remainingMs] = reply as [number, number]
        bucket.shared = count
        bucket.endsAt = answeredAt + (remainingMs > 0 ? remainingMs : bucket.windowMs)
      }
      bucket.sending = 0
    })
    this.report(failure)
  }

  private report(failure: Error | undefined): void {
    this.options.metrics?.syncs.inc({ result: failure ? 'failed' : 'ok' })
    if (failure && !this.outage) {
      this.outage = true
      this.options.log.warn(
        { err: failure.message },
        'rate-limit sync with Redis failed: each gateway process enforces on its own counts until it is back',
      )
    } else if (!failure && this.outage) {
      this.outage = false
      this.options.log.info('rate-limit sync with Redis is back')
    }
  }

  /**
   * Drops the least recently used bucket. Its counts were sent at a sync since its last use, unless
   * Redis has been away all that time: then they go with it, the price of bounded memory.
   */
  private evictLeastRecentlyUsed(): void {
    const oldest = this.buckets.keys().next()
    if (oldest.done) return
    this.buckets.delete(oldest.value)
    this.unsynced.delete(oldest.value)
  }
}

/**
 * The @fastify/rate-limit store over `counters`. The plugin constructs its store itself, with its
 * own options (continueExceeding, exponentialBackoff and ban are not supported here), so the
 * counters are bound in beforehand.
 */
export function rateLimitStore(counters: SyncedCounters): FastifyRateLimitStoreCtor {
  return class SyncedStore implements FastifyRateLimitStore {
    constructor(
      _pluginOptions?: unknown,
      /** A route with a limit of its own counts apart, as the plugin's Redis store does. */
      private readonly routePrefix = '',
    ) {}

    incr(
      key: string,
      callback: (error: Error | null, result?: { current: number; ttl: number }) => void,
      timeWindow?: number,
    ): void {
      callback(null, counters.count(this.routePrefix + key, timeWindow ?? counters.windowMs))
    }

    // The plugin passes the route's merged limit options, with the route itself as `routeInfo`.
    child(routeOptions: object): FastifyRateLimitStore {
      const route =
        'routeInfo' in routeOptions ? (routeOptions.routeInfo as { method?: unknown; url?: string }) : {}
      return new SyncedStore(undefined, `${this.routePrefix}${String(route.method)}${route.url}-`)
    }
  }
}
