// POST /: turns a buyer's request into a reservation and a durable order. One Lua script checks
// the admission token, the per-user limit, that the deal is open and the stock, and reserves;
// refusals never touch PostgreSQL. A reservation becomes an order (PENDING_PAYMENT), its saga
// (PAYMENT_REQUESTED) with the charge command, the Idempotency-Key's answer, `order.placed.v1` and
// the expiry job in one transaction that commits before the 201 goes out; if that write fails,
// the reservation is released.
import { randomUUID } from 'node:crypto'
import { v7 as uuidv7 } from 'uuid'
import { AdmissionTokenError, type AdmissionVerifier } from '@deals/admission'
import { enqueue, injectTraceHeaders } from '@deals/messaging'
import {
  orderPlacedV1,
  paymentChargeRequestedV1,
  stockSoldOutV1,
  type EventPayload,
  type PaymentMethod,
} from '@deals/contracts'
import type { JobScheduler } from '@deals/jobs'
import type { OrderDb, OrderTx } from '../database.ts'
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
import { RESERVATION_EXPIRY_JOB } from './reservation-expiry.ts'

export interface PlaceOrderRequest {
  dealId: string
  quantity: number
  admissionToken?: string | undefined
  addressId?: string | undefined
  paymentMethod: PaymentMethod
}

export interface OrderPlacementDeps {
  db: OrderDb
  stock: StockCounters
  rebuild: StockRebuild
  returns: StockReturns
  admission: AdmissionVerifier
  idempotency: IdempotencyStore
  jobs: JobScheduler
  metrics: PurchaseMetrics
  reservationTtlSeconds: number
  logger: { warn(obj: object, msg: string): void; error(obj: object, msg: string): void }
}

/**
 * Bounds of the order write. Under a burst, writes queue for a pooled connection; that is
 * safe for as long as it takes, because `commitBefore` keeps every commit within its reservation.
 */
const WRITE_BOUNDS = { maxWait: 15_000, timeout: 15_000 }

type Admission = { jti: string; expiresAt: Date } | { refused: string } | undefined

export class OrderPlacement {
  constructor(private readonly deps: OrderPlacementDeps) {}

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
    const { db, jobs, metrics } = this.deps
    const { userId, request, claim, reservationId: orderId, deadline, remaining } = placement
    const answer: StoredAnswer = {
      statusCode: 201,
      contentType: JSON_CONTENT_TYPE,
      body: JSON.stringify({ orderId, status: 'PENDING_PAYMENT' }),
    }
    try {
      await db.$transaction(async (tx) => {
        const order = await insertOrder(tx, { ...placement, answer })
        if (!order) throw new Error(`deal ${request.dealId} has counters but no replica row`)
        const placed: EventPayload<typeof orderPlacedV1> = {
          orderId,
          userId,
          sellerId: order.sellerId,
          dealId: request.dealId,
          productId: order.productId,
          productName: order.productName,
          quantity: request.quantity,
          unitPrice: order.unitPrice,
          amount: order.amount,
          paymentMethod: request.paymentMethod,
          reservationExpiresAt: deadline.toISOString(),
          placedAt: order.createdAt.toISOString(),
        }
        await enqueue(tx, { name: orderPlacedV1.name, payload: placed })
        if (remaining === 0) {
          const soldOut: EventPayload<typeof stockSoldOutV1> = {
            dealId: request.dealId,
            at: new Date().toISOString(),
          }
          await enqueue(tx, { name: stockSoldOutV1.name, payload: soldOut })
        }
        await jobs.scheduleAt(RESERVATION_EXPIRY_JOB, { orderId }, deadline, { tx, key: orderId })
        await commitBefore(tx, deadline)
      }, WRITE_BOUNDS)
    } catch (error) {
      return this.compensate(error, { dealId: request.dealId, orderId, claim, answer })
    }
    if (remaining === 0) metrics.soldOut()
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

interface InsertedOrder {
  sellerId: string
  productId: string
  productName: string
  unitPrice: number
  amount: number
  createdAt: Date
}

/**
 * The order, its saga, the charge command (`payment.charge-requested.v1`, pay by the reservation
 * deadline) and the Idempotency-Key's answer in one statement, priced from the deal replica: the
 * hot path's write costs one round trip here instead of one per row. The command's row is the
 * outbox's, as `enqueue` writes it; the `order.placed.v1` enqueue that follows wakes the relay.
 */
async function insertOrder(
  tx: OrderTx,
  p: {
    userId: string
    request: PlaceOrderRequest
    claim: IdempotencyClaim
    reservationId: string
    deadline: Date
    answer: StoredAnswer
  },
): Promise<InsertedOrder | undefined> {
  const { request: r, claim, answer } = p
  const now = new Date()
  const rows = await tx.$queryRaw<InsertedOrder[]>`
    WITH deal AS (
      SELECT seller_id, product_id, product_name, deal_price FROM deals WHERE id = ${r.dealId}::uuid
    ), placed AS (
      INSERT INTO orders (id, user_id, seller_id, deal_id, product_id, product_name, quantity, unit_price,
                          amount, payment_method, address_id, reservation_expires_at, updated_at)
      SELECT ${p.reservationId}::uuid, ${p.userId}::uuid, seller_id, ${r.dealId}::uuid, product_id, product_name,
             ${r.quantity}, deal_price, deal_price * ${r.quantity}, ${r.paymentMethod}::"PaymentMethod",
             ${r.addressId ?? null}::uuid, ${p.deadline}, now()
      FROM deal
      RETURNING seller_id, product_id, product_name, unit_price, amount, created_at
    ), saga AS (
      INSERT INTO purchase_sagas (order_id, state, deadline, command_sent_at, updated_at)
      SELECT ${p.reservationId}::uuid, 'PAYMENT_REQUESTED'::"SagaState", ${p.deadline}, ${now}, now() FROM placed
    ), charge AS (
      INSERT INTO outbox_messages (id, event_name, payload, headers)
      SELECT ${randomUUID()}::uuid, ${paymentChargeRequestedV1.name},
             jsonb_build_object('orderId', ${p.reservationId}::text, 'userId', ${p.userId}::text,
                                'sellerId', seller_id, 'amount', amount, 'method', ${r.paymentMethod}::text,
                                'productName', product_name, 'payBy', ${p.deadline.toISOString()}::text,
                                'requestedAt', ${now.toISOString()}::text),
             ${JSON.stringify(injectTraceHeaders())}::jsonb
      FROM placed
    ), answer AS (
      INSERT INTO idempotency_records (user_id, scope, key, request_hash, status_code, body)
      SELECT ${claim.userId}::uuid, ${claim.scope}, ${claim.key}, ${claim.requestHash}, ${answer.statusCode},
             ${answer.body}
      FROM placed
    )
    SELECT seller_id AS "sellerId", product_id AS "productId", product_name AS "productName",
           unit_price AS "unitPrice", amount, created_at AS "createdAt"
    FROM placed`
  return rows[0]
}

/** Refuses to commit past the reservation's deadline, after which the sweeper may release it. */
async function commitBefore(tx: OrderTx, deadline: Date): Promise<void> {
  const [row] = await tx.$queryRaw<{ intime: boolean }[]>`SELECT clock_timestamp() < ${deadline} AS intime`
  if (!row?.intime) throw new Error('the reservation deadline passed before the order could commit')
}

/** The Idempotency-Key's answer exists already (the only unique key a placement can collide on). */
function isUniqueViolation(error: unknown): boolean {
  const e = error as { code?: string; meta?: { driverAdapterError?: { cause?: { originalCode?: string } } } }
  return e.code === 'P2002' || e.meta?.driverAdapterError?.cause?.originalCode === '23505'
}

function throwError(error: Error): never {
  throw error
}
