// The admission loop: every tick, for each deal with a waiting room, the replica holding the deal's
// lease opens the room once its start has come (the shuffle) and lets the next buyers in, then
// signs their tokens. Leases make one replica do a deal's work at a time; the bucket, the line and
// the admissions are in Redis, so a restart or a take-over continues where the last tick stopped.
// A timer (not the durable job library) drives it because it is pacing, not a scheduled event: a
// missed tick is made up by the next one, and the opening happens on the first tick after the start.
import { randomInt } from 'node:crypto'
import type { Redis } from 'ioredis'
import type { AdmissionTokens } from './admission-tokens.ts'
import { ACTIVE_DEALS_KEY, dealKeys } from '../waiting-room/queue-keys.ts'

export interface AdmissionLoopOptions {
  /** Identifies this replica as a lease holder. */
  owner: string
  tickMs: number
  defaultRatePerSecond: number
  maxActiveAdmissions: number
  tokenTtlSeconds: number
}

export interface AdmissionEvents {
  opened(dealId: string, shuffled: number): void
  admitted(dealId: string, userIds: readonly string[]): void
  failed(dealId: string, error: unknown): void
}

export class AdmissionLoop {
  private timer: NodeJS.Timeout | undefined
  private current: Promise<void> = Promise.resolve()
  private stopped = true
  private readonly held = new Set<string>()
  private readonly leaseMs: number

  constructor(
    private readonly redis: Redis,
    private readonly tokens: AdmissionTokens,
    private readonly options: AdmissionLoopOptions,
    private readonly events: AdmissionEvents,
  ) {
    this.leaseMs = Math.max(2_000, options.tickMs * 5)
  }

  start(): void {
    this.stopped = false
    this.schedule()
  }

  /** Waits for the tick in progress, then gives up this replica's leases. */
  async stop(): Promise<void> {
    this.stopped = true
    clearTimeout(this.timer)
    await this.current
    await Promise.all(
      [...this.held].map((dealId) =>
        this.redis.queueReleaseLease(dealKeys(dealId).lease, this.options.owner).catch(() => 0),
      ),
    )
    this.held.clear()
  }

  /** The deals whose lease this replica holds now. */
  get leases(): ReadonlySet<string> {
    return this.held
  }

  private schedule(): void {
    if (this.stopped) return
    this.timer = setTimeout(() => {
      this.current = this.tick().finally(() => this.schedule())
    }, this.options.tickMs)
  }

  async tick(): Promise<void> {
    const dealIds = await this.redis.smembers(ACTIVE_DEALS_KEY).catch(() => [])
    await Promise.all(
      dealIds.map((dealId) => this.step(dealId).catch((err) => this.events.failed(dealId, err))),
    )
  }

  private async step(dealId: string): Promise<void> {
    const keys = dealKeys(dealId)
    if (!(await this.redis.queueAcquireLease(keys.lease, this.options.owner, this.leaseMs))) {
      this.held.delete(dealId)
      return
    }
    this.held.add(dealId)
    const shuffled = await this.redis.queueOpen(keys.state, keys.waiting, randomInt(2 ** 31 - 1))
    if (shuffled >= 0) this.events.opened(dealId, shuffled)
    const [, expiresAt, , ...admitted] = await this.redis.queueAdmit(
      keys.state,
      keys.waiting,
      keys.admitted,
      keys.tokens,
      this.options.defaultRatePerSecond,
      this.options.maxActiveAdmissions,
      this.options.tokenTtlSeconds,
    )
    if (!admitted.length) return
    const userIds = admitted.map(String)
    await this.tokens.issue(dealId, userIds, Number(expiresAt))
    this.events.admitted(dealId, userIds)
  }
}
