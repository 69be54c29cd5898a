// Builds the order use cases from the connections (with the purchase saga's store, metrics and
// queries, which placement, expiry and the lifecycle share), defines their durable jobs and puts
// them on the instance for the routes and consumers. At start the reservation sweep runs at once
// and again one reservation TTL later, which settles whatever a previous process left half done.
import fp from 'fastify-plugin'
import { createAdmissionVerifier } from '@deals/admission'
import type { OrderConfig } from '../config.ts'
import { DealReplica } from '../domain/deals/deal-replica.ts'
import { IdempotencyStore } from '@deals/idempotency'
import { durableAnswers } from '../domain/idempotency/durable-answers.ts'
import {
  ReservationSweeper,
  RESERVATION_SWEEP_JOB,
  SWEEP_GRACE_MS,
} from '../domain/inventory/reservation-sweeper.ts'
import { StockCounters } from '../domain/inventory/stock-counters.ts'
import { StockRebuild } from '../domain/inventory/stock-rebuild.ts'
import { StockReturns } from '../domain/inventory/stock-returns.ts'
import { OrderPlacement } from '../domain/orders/order-placement.ts'
import { OrderQueries } from '../domain/orders/order-queries.ts'
import { purchaseMetrics } from '../domain/orders/purchase-metrics.ts'
import {
  ExpiryJobs,
  RESERVATION_EXPIRY_JOB,
  ReservationExpiry,
  type ReservationExpiryJob,
} from '../domain/orders/reservation-expiry.ts'
import { sagaMetrics, type SagaMetrics } from '../domain/saga/saga-metrics.ts'
import { SagaQueries } from '../domain/saga/saga-queries.ts'
import { SagaStore } from '../domain/saga/saga-store.ts'

export interface OrderDomain {
  placement: OrderPlacement
  orders: OrderQueries
  idempotency: IdempotencyStore
  deals: DealReplica
  stock: StockCounters
  rebuild: StockRebuild
  expiry: ReservationExpiry
  sweeper: ReservationSweeper
  sagas: SagaStore
  sagaMetrics: SagaMetrics
  sagaQueries: SagaQueries
}

declare module 'fastify' {
  interface FastifyInstance {
    orderDomain: OrderDomain
  }
}

export const orderDomainPlugin = fp<{ config: OrderConfig }>(
  async (app, { config }) => {
    const { orderDb: db, redis, jobs } = app
    const logger = app.log.child({ component: 'order-domain' })
    const stock = new StockCounters(redis)
    const rebuild = new StockRebuild(db, stock, { settleMs: config.STOCK_REBUILD_SETTLE_MS, logger })
    const returns = new StockReturns(db, stock)
    const idempotency = new IdempotencyStore(redis, durableAnswers(db), {
      waitMs: config.IDEMPOTENCY_WAIT_MS,
      ttlSeconds: config.IDEMPOTENCY_TTL_SECONDS,
    })
    const metrics = purchaseMetrics(app.metrics, async () => {
      const now = new Date()
      const open = await db.deal.findMany({
        where: { status: { in: ['SCHEDULED', 'OPEN'] }, startsAt: { lte: now }, endsAt: { gt: now } },
        select: { id: true },
      })
      const remaining = await stock.remainingOf(open.map((d) => d.id))
      return open.flatMap((d, i) => (remaining[i] == null ? [] : [{ dealId: d.id, remaining: remaining[i] }]))
    })
    const admission = createAdmissionVerifier(
      [config.ADMISSION_TOKEN_SECRET, config.ADMISSION_TOKEN_PREVIOUS_SECRET].filter((s) => s !== undefined),
    )
    const sagas = new SagaStore({ resendAfterMs: config.SAGA_RESEND_AFTER_MS })
    const sagaQueries = new SagaQueries(db, config.SAGA_STUCK_AFTER_MS)
    const metricsOfSagas = sagaMetrics(app.metrics, () => sagaQueries.stuckByState())
    const expiry = new ReservationExpiry(db, sagas, returns)
    const sweeper = new ReservationSweeper(db, stock, returns)

    jobs.define<ReservationExpiryJob>(RESERVATION_EXPIRY_JOB, (job) => expiry.expireAll(job), {
      precise: true,
    })
    jobs.define(RESERVATION_SWEEP_JOB, async () => {
      const swept = await sweeper.sweep()
      if (swept.released || swept.committed) logger.info(swept, 'lapsed reservations settled')
    })
    app.addHook('onReady', async () => {
      const afterOneTtl = new Date(Date.now() + config.RESERVATION_TTL_SECONDS * 1000 + SWEEP_GRACE_MS + 1000)
      await Promise.all([
        jobs.every(RESERVATION_SWEEP_JOB, config.RESERVATION_SWEEP_CRON, {}),
        jobs.runSoon(RESERVATION_SWEEP_JOB, {}),
        jobs.scheduleAt(RESERVATION_SWEEP_JOB, {}, afterOneTtl),
      ])
    })
    app.addHook('onClose', () => rebuild.drain())

    app.decorate('orderDomain', {
      placement: new OrderPlacement({
        db,
        pool: app.placementPool,
        stock,
        rebuild,
        returns,
        admission,
        idempotency,
        expiryJobs: new ExpiryJobs(jobs),
        metrics,
        reservationTtlSeconds: config.RESERVATION_TTL_SECONDS,
        batching: { maxBatch: config.PLACEMENT_BATCH_MAX, maxInFlight: config.PLACEMENT_BATCHES_IN_FLIGHT },
        logger,
      }),
      orders: new OrderQueries(db),
      idempotency,
      deals: new DealReplica(stock),
      stock,
      rebuild,
      expiry,
      sweeper,
      sagas,
      sagaMetrics: metricsOfSagas,
      sagaQueries,
    })
  },
  { name: 'order-domain', fastify: '5.x', dependencies: ['order-database', 'redis', 'jobs'] },
)
