// The order write of a batch of reservations, one statement whatever the batch size: every order,
// its saga (PAYMENT_REQUESTED), its charge command (`payment.charge-requested.v1`, pay by the
// reservation deadline), `order.placed.v1`, `stock.sold-out.v1` for the reservation that took the
// last unit, and the Idempotency-Key's answer, priced from the deal replica. One statement is one
// transaction and one round trip: no BEGIN, no COMMIT, planned once per connection (a prepared
// statement), on a pool of its own whose connections PostgreSQL holds to a statement timeout.
// Before it, the durable expiry jobs that cover the batch's deadlines are made sure of (a lookup
// in memory but for the first write of each second). An order is written only if its
// reservation's deadline has not passed (after it the sweeper may release the units) and its deal
// is known. Written through node-postgres, not Prisma: the same write costs the order service
// half the CPU that way.
import { randomUUID } from 'node:crypto'
import pg from 'pg'
import { OUTBOX_CHANNEL } from '@deals/messaging'
import { orderPlacedV1, paymentChargeRequestedV1, stockSoldOutV1, type PaymentMethod } from '@deals/contracts'
import type { IdempotencyClaim, StoredAnswer } from '@deals/idempotency'
import type { BatchWriter } from './group-commit.ts'
import type { ExpiryJobs } from './reservation-expiry.ts'

export interface PendingPlacement {
  orderId: string
  userId: string
  request: {
    dealId: string
    quantity: number
    addressId?: string | undefined
    paymentMethod: PaymentMethod
  }
  claim: IdempotencyClaim
  answer: StoredAnswer
  deadline: Date
  /** This reservation took the deal's last unit. */
  soldOut: boolean
  requestedAt: Date
  /** The request's trace context, carried by every message the order writes. */
  traceHeaders: Record<string, string>
}

/**
 * Bounds of one placement's write: at most `PLACEMENT_WRITE_BOUNDS.queueMs` waiting for its batch,
 * `maxWait` for a pooled connection, `timeout` for its statement (enforced by PostgreSQL, set on
 * the pool's connections by `placementPoolConfig`). Their sum (15 s) is what the stock rebuild
 * waits for in-flight writes to end (`STOCK_REBUILD_SETTLE_MS`) before it counts the orders in
 * PostgreSQL; a write still running after it could be missed by that count.
 */
export const PLACEMENT_WRITE_BOUNDS = { queueMs: 5_000, maxWait: 5_000, timeout: 5_000 }

/** The pool the order writes go through: `max` connections, each statement bounded. */
export const placementPoolConfig = (connectionString: string, max: number): pg.PoolConfig => ({
  connectionString,
  max,
  statement_timeout: PLACEMENT_WRITE_BOUNDS.timeout,
  application_name: 'order-placement',
})

/** One row of the statement's input, as `jsonb_to_recordset` reads it. */
const row = (p: PendingPlacement) => ({
  order_id: p.orderId,
  user_id: p.userId,
  deal_id: p.request.dealId,
  quantity: p.request.quantity,
  payment_method: p.request.paymentMethod,
  address_id: p.request.addressId ?? null,
  deadline: p.deadline.toISOString(),
  requested_at: p.requestedAt.toISOString(),
  charge_id: randomUUID(),
  placed_id: randomUUID(),
  sold_out_id: p.soldOut ? randomUUID() : null,
  claim_user_id: p.claim.userId,
  scope: p.claim.scope,
  key: p.claim.key,
  request_hash: p.claim.requestHash,
  status_code: p.answer.statusCode,
  body: p.answer.body,
  headers: p.traceHeaders,
})

const ISO_UTC = `'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'`

const INSERT_ORDERS = `
  WITH input AS (
    SELECT * FROM jsonb_to_recordset($1::jsonb) AS x(
      order_id uuid, user_id uuid, deal_id uuid, quantity int, payment_method text, address_id uuid,
      deadline text, requested_at text, charge_id uuid, placed_id uuid, sold_out_id uuid,
      claim_user_id uuid, scope text, key text, request_hash text, status_code int, body text,
      headers jsonb)
  ), placed AS (
    INSERT INTO orders (id, user_id, seller_id, deal_id, product_id, product_name, quantity, unit_price,
                        amount, payment_method, address_id, reservation_expires_at, updated_at)
    SELECT i.order_id, i.user_id, d.seller_id, i.deal_id, d.product_id, d.product_name, i.quantity,
           d.deal_price, d.deal_price * i.quantity, i.payment_method::"PaymentMethod", i.address_id,
           i.deadline::timestamptz, now()
    FROM input i JOIN deals d ON d.id = i.deal_id
    WHERE clock_timestamp() < i.deadline::timestamptz
    RETURNING id, seller_id, product_id, product_name, unit_price, amount, created_at
  ), written AS (
    SELECT i.*, p.seller_id, p.product_id, p.product_name, p.unit_price, p.amount,
           to_char(p.created_at AT TIME ZONE 'UTC', ${ISO_UTC}) AS placed_at
    FROM placed p JOIN input i ON i.order_id = p.id
  ), saga AS (
    INSERT INTO purchase_sagas (order_id, state, deadline, command_sent_at, updated_at)
    SELECT order_id, 'PAYMENT_REQUESTED'::"SagaState", deadline::timestamptz, requested_at::timestamptz, now()
    FROM written
  ), messages AS (
    INSERT INTO outbox_messages (id, event_name, payload, headers)
    SELECT charge_id, '${paymentChargeRequestedV1.name}',
           jsonb_build_object('orderId', order_id::text, 'userId', user_id::text, 'sellerId', seller_id::text,
                              'amount', amount, 'method', payment_method, 'productName', product_name,
                              'payBy', deadline, 'requestedAt', requested_at),
           headers
    FROM written
    UNION ALL
    SELECT placed_id, '${orderPlacedV1.name}',
           jsonb_build_object('orderId', order_id::text, 'userId', user_id::text, 'sellerId', seller_id::text,
                              'dealId', deal_id::text, 'productId', product_id::text,
                              'productName', product_name, 'quantity', quantity, 'unitPrice', unit_price,
                              'amount', amount, 'paymentMethod', payment_method,
                              'reservationExpiresAt', deadline, 'placedAt', placed_at),
           headers
    FROM written
    UNION ALL
    SELECT sold_out_id, '${stockSoldOutV1.name}',
           jsonb_build_object('dealId', deal_id::text, 'at', requested_at), headers
    FROM written WHERE sold_out_id IS NOT NULL
  ), answers AS (
    INSERT INTO idempotency_records (user_id, scope, key, request_hash, status_code, body)
    SELECT claim_user_id, scope, key, request_hash, status_code, body FROM written
  )
  SELECT coalesce(array_agg(order_id::text), '{}') AS written, pg_notify('${OUTBOX_CHANNEL}', '')::text AS notified
  FROM written`

/** The write of a batch: `pool` is one built from `placementPoolConfig`. */
export function placementWrites(pool: pg.Pool, expiry: ExpiryJobs): BatchWriter<PendingPlacement> {
  return async (placements) => {
    await expiry.cover(placements.map((p) => p.deadline))
    const client = await connectWithin(pool, PLACEMENT_WRITE_BOUNDS.maxWait)
    let written: Set<string>
    try {
      const { rows } = await client.query<{ written: string[] }>({
        name: 'place-orders',
        text: INSERT_ORDERS,
        values: [JSON.stringify(placements.map(row))],
      })
      written = new Set(rows[0]?.written ?? [])
    } catch (error) {
      // PostgreSQL refused the statement (nothing of it stays): the connection is fine. Anything
      // else (a broken socket) and it is not given back to the pool.
      client.release(error instanceof pg.DatabaseError ? undefined : (error as Error))
      throw error
    }
    client.release()
    return placements.map((p) =>
      written.has(p.orderId)
        ? undefined
        : new Error(
            `order ${p.orderId} not written: its reservation deadline passed or deal ${p.request.dealId} has no replica row`,
          ),
    )
  }
}

/** A pooled connection, or an error after `ms` (the connection, if it comes later, goes back). */
async function connectWithin(pool: pg.Pool, ms: number): Promise<pg.PoolClient> {
  const connecting = pool.connect()
  let timer: NodeJS.Timeout | undefined
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`no database connection for the order write within ${ms} ms`)),
      ms,
    )
  })
  try {
    return await Promise.race([connecting, timedOut])
  } catch (error) {
    connecting.then(
      (client) => client.release(),
      () => {},
    )
    throw error
  } finally {
    clearTimeout(timer)
  }
}
