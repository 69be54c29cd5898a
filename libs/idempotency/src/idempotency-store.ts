// The Idempotency-Key protocol for mutating requests. Redis holds the in-flight claim and the
// answer of every request for a day; the answer of a request that created something (an order,
// a top-up) is also written to PostgreSQL by the use case's own transaction, so it outlives
// Redis: the service reads it back through `DurableAnswers`. Keys are scoped per user and per
// operation; the request body is compared by a hash of its canonical JSON.
import { createHash } from 'node:crypto'
import type { Redis } from 'ioredis'
import { IdempotencyInProgress, IdempotencyKeyReused } from './idempotency-errors.ts'

/** An answer exactly as it went out: replays send these bytes again. */
export interface StoredAnswer {
  statusCode: number
  contentType: string
  body: string
}

export interface IdempotencyClaim {
  userId: string
  scope: string
  key: string
  requestHash: string
}

export type IdempotencyStart =
  { kind: 'claimed'; claim: IdempotencyClaim } | { kind: 'replay'; answer: StoredAnswer }

interface Entry {
  /** Request hash. */
  h: string
  /** The answer once there is one; absent while the first request is in flight. */
  a?: StoredAnswer
}

/** The answer a service's own table kept for a key (its `idempotency_records` row). */
export interface DurableAnswer {
  requestHash: string
  statusCode: number
  body: string
}

/** Reads the durable answer for a claim's user, scope and key. */
export interface DurableAnswers {
  find(claim: IdempotencyClaim): Promise<DurableAnswer | null>
}

export interface IdempotencyOptions {
  /** How long a retry waits for the first request to finish before answering 409. */
  waitMs: number
  ttlSeconds: number
  /** How long an in-flight claim lives if its process dies holding it. */
  claimMs?: number
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** SHA-256 of a flat JSON body with its keys sorted, so field order does not matter. */
export function requestHash(body: Record<string, unknown>): string {
  const canonical = JSON.stringify(body, Object.keys(body).sort())
  return createHash('sha256').update(canonical).digest('hex')
}

export class IdempotencyStore {
  private readonly claimMs: number

  constructor(
    private readonly redis: Redis,
    private readonly durable: DurableAnswers,
    private readonly options: IdempotencyOptions,
  ) {
    this.claimMs = options.claimMs ?? 30_000
  }

  /** Claims the key for this request, or returns the answer to replay; throws 422 or 409. */
  async start(claim: IdempotencyClaim): Promise<IdempotencyStart> {
    const key = redisKey(claim)
    const giveUpAt = Date.now() + this.options.waitMs
    for (let pause = 5; ; pause = Math.min(pause * 2, 50)) {
      const pending: Entry = { h: claim.requestHash }
      if ((await this.redis.set(key, JSON.stringify(pending), 'PX', this.claimMs, 'NX')) === 'OK')
        return { kind: 'claimed', claim }
      const raw = await this.redis.get(key)
      if (raw === null) continue
      const entry = JSON.parse(raw) as Entry
      if (entry.h !== claim.requestHash) throw IdempotencyKeyReused()
      if (entry.a) return { kind: 'replay', answer: entry.a }
      if (Date.now() >= giveUpAt) throw IdempotencyInProgress()
      await sleep(pause)
    }
  }

  /** Keeps the answer for replays. */
  async complete(claim: IdempotencyClaim, answer: StoredAnswer): Promise<void> {
    const entry: Entry = { h: claim.requestHash, a: answer }
    await this.redis.set(redisKey(claim), JSON.stringify(entry), 'EX', this.options.ttlSeconds)
  }

  /** Frees the key after an answer not worth replaying (a 5xx): the client may simply retry. */
  async abandon(claim: IdempotencyClaim): Promise<void> {
    await this.redis.del(redisKey(claim))
  }

  /** The durable answer for this key, if one was recorded; 422 if it was for another body. */
  async durableAnswer(claim: IdempotencyClaim): Promise<StoredAnswer | null> {
    const record = await this.durable.find(claim)
    if (!record) return null
    if (record.requestHash !== claim.requestHash) throw IdempotencyKeyReused()
    return { statusCode: record.statusCode, contentType: JSON_CONTENT_TYPE, body: record.body }
  }
}

export const JSON_CONTENT_TYPE = 'application/json; charset=utf-8'

const redisKey = (c: IdempotencyClaim) => `idempotency:{${c.userId}}:${c.scope}:${c.key}`
