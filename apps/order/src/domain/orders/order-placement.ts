// POST /: turns a buyer's request into a reservation and a durable order. One Lua script checks
// the admission token, the per-user limit, that the deal is open and the stock, and reserves;
// refusals never touch PostgreSQL. A reservation becomes an order (PENDING_PAYMENT), its saga
// (PAYMENT_REQUESTED) with the charge command, the Idempotency-Key's answer and `order.placed.v1`
// in one transaction that commits before the 201 goes out, after the durable job that will expire
// it unpaid is scheduled; if that write fails, the reservation is released. Under a burst the
// writes are group-committed: the reservations that arrive while earlier ones are being written
// go together in the next transaction.
import type pg from 'pg'
import { v7 as uuidv7 } from 'uuid'
import { AdmissionTokenError, type AdmissionVerifier } from '@deals/admission'
import { injectTraceHeaders } from '@deals/messaging'
import type { PaymentMethod } from '@deals/contracts'
import type { OrderDb } from '../database.ts'
import type { StockCounters } from '../inventory/stock-counters.ts'
import type { StockRebuild } from '../inventory/stock-rebuild.ts'
import type { StockReturns } from '../inventory/stock-returns.ts'
import {
  JSON_CONTENT_TYPE,
  type IdempotencyClaim,
  type IdempotencyStore,
  type StoredAnswer,
} from '@deals/idempotency'
import {
  AdmissionRequired,
  DealNotOpen,
  OrderNotSaved,
  PurchaseLimitExceeded,
  SoldOut,
} from './order-errors.ts'
import type { PurchaseMetrics } from './purchase-metrics.ts'
import { GroupCommit } from './group-commit.ts'
import { PLACEMENT_WRITE_BOUNDS, placementWrites, type PendingPlacement } from './placement-writes.ts'
import type { ExpiryJobs } from './reservation-expiry.ts'

export interface PlaceOrderRequest {
  dealId: string
  quantity: number
  admissionToken?: string | undefined
  addressId?: string | undefined
  paymentMethod: PaymentMethod
}

export interface OrderPlacementDeps {
  db: OrderDb
  /** The order writes' own pool (`placementPoolConfig`). */
  pool: pg.Pool
  stock: StockCounters
  rebuild: StockRebuild
  returns: StockReturns
  admission: AdmissionVerifier
  idempotency: IdempotencyStore
  /** Schedules the durable jobs that expire unpaid orders, before the orders are written. */
  expiryJobs: ExpiryJobs
  metrics: PurchaseMetrics
  reservationTtlSeconds: number
  /** Group commit of the order writes: most orders per transaction, most transactions at once. */
  batching: { maxBatch: number; maxInFlight: number }
  logger: { warn(obj: object, msg: string): void; error(obj: object, msg: string): void }
}

type Admission = { jti: string; expiresAt: Date } | { refused: string } | undefined

export class OrderPlacement {
  readonly #writes: GroupCommit<PendingPlacement>

  constructor(private readonly deps: OrderPlacementDeps) {
    this.#writes = new GroupCommit(placementWrites(deps.pool, deps.expiryJobs), {
      ...deps.batching,
      maxWaitMs: PLACEMENT_WRITE_BOUNDS.queueMs,
      onBatch: (size) => deps.metrics.placementBatch(size),
    })
  }

  /** The answer to send: a fresh 201, or an earlier answer found durably for the same key. */
  async place(userId: string, request: PlaceOrderRequest, claim: IdempotencyClaim): Promise<StoredAnswer> {
    const { stock, metrics, reservationTtlSeconds } = this.deps
    const now = new Date()
    const admission = await this.checkAdmission(userId, request, now)
    const reservationId = uuidv7()
    const deadline = new Date(now.getTime() + reservationTtlSeconds * 1000)
    const { outcome, remaining } = await stock.reserve({
      dealId: request.dealId,
      reservationId,
      userId,
      quantity: request.quantity,
      deadline,
      now,
      ...(admission && 'jti' in admission ? { admission } : {}),
    })
    metrics.reservation(outcome)
    switch (outcome) {
      case 'RESERVED':
        return this.save({ userId, request, claim, reservationId, deadline, remaining })
      case 'UNKNOWN_DEAL':
        return this.deps.rebuild.refuseWhileMissing(request.dealId)
      case 'DEAL_NOT_OPEN':
        throw DealNotOpen()
      case 'ADMISSION_REQUIRED':
        throw AdmissionRequired(
          admission && 'refused' in admission
            ? `The admission token was refused (${admission.refused.toLowerCase().replace('_', ' ')})`
            : undefined,
        )
      case 'ADMISSION_USED':
        throw AdmissionRequired('The admission token was already used')
      case 'PURCHASE_LIMIT_EXCEEDED':
        // A retry of a request that did order, after Redis forgot its answer, lands here.
        return (await this.deps.idempotency.durableAnswer(claim)) ?? throwError(PurchaseLimitExceeded())
      case 'SOLD_OUT':
        throw SoldOut(remaining > 0 ? `Only ${remaining} left` : undefined, { remaining })
    }
  }

  private async checkAdmission(userId: string, request: PlaceOrderRequest, now: Date): Promise<Admission> {
    if (request.admissionToken === undefined) return undefined
    try {
      const claims = await this.deps.admission.verify(request.admissionToken, {
        userId,
        dealId: request.dealId,
        now,
      })
      return { jti: claims.jti, expiresAt: claims.expiresAt }
    } catch (error) {
      if (error instanceof AdmissionTokenError) return { refused: error.reason }
      throw error
    }
  }

  private async save(placement: {
    userId: string
    request: PlaceOrderRequest
    claim: IdempotencyClaim
    reservationId: string
    deadline: Date
    remaining: number
  }): Promise<StoredAnswer> {
    const { userId, request, claim, reservationId: orderId, deadline, remaining } = placement
    const answer: StoredAnswer = {
      statusCode: 201,
      contentType: JSON_CONTENT_TYPE,
      body: JSON.stringify({ orderId, status: 'PENDING_PAYMENT' }),
    }
    try {
      await this.#writes.submit({
        orderId,
        userId,
        request,
        claim,
        answer,
        deadline,
        soldOut: remaining === 0,
        requestedAt: new Date(),
        traceHeaders: injectTraceHeaders(),
      })
    } catch (error) {
      return this.compensate(error, { dealId: request.dealId, orderId, claim, answer })
    }
    if (remaining === 0) this.deps.metrics.soldOut()
    return answer
  }

  /**
   * The order write failed. If it in fact committed (the failure was in answering), the order
   * stands; if it did not, the reservation is released. If that cannot be told, the reservation
   * is left to the sweeper, which releases it after its deadline unless the order exists.
   */
  private async compensate(
    error: unknown,
    context: { dealId: string; orderId: string; claim: IdempotencyClaim; answer: StoredAnswer },
  ): Promise<StoredAnswer> {
    const { db, returns, idempotency, logger } = this.deps
    const { dealId, orderId, claim, answer } = context
    const committed = await db.order.count({ where: { id: orderId } }).then(
      (n) => n > 0,
      () => undefined,
    )
    if (committed) return answer
    if (committed === false)
      await returns
        .release(dealId, orderId)
        .catch((err: unknown) =>
          logger.error({ err, orderId }, 'reservation release failed; the sweeper will'),
        )
    if (isUniqueViolation(error)) {
      const earlier = await idempotency.durableAnswer(claim)
      if (earlier) return earlier
    }
    logger.error({ err: error, orderId, dealId }, 'order write failed; reservation released')
    throw OrderNotSaved()
  }
}

/** The Idempotency-Key's answer exists already (the only unique key a placement can collide on). */
function isUniqueViolation(error: unknown): boolean {
  return (error as { code?: string }).code === '23505'
}

function throwError(error: Error): never {
  throw error
}
