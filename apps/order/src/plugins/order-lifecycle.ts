// The order's life after placement: the purchase saga's payment hooks, the buyer's cancel and
// return, delivery progress by durable jobs, and the seller's sales and return decisions.
import fp from 'fastify-plugin'
import type { OrderConfig } from '../config.ts'
import { StockReturns } from '../domain/inventory/stock-returns.ts'
import { LifecycleStore } from '../domain/lifecycle/lifecycle-store.ts'
import {
  ORDER_PROGRESS_JOB,
  OrderLifecycle,
  STOCK_SETTLE_JOB,
  type OrderProgressJob,
  type StockSettleJob,
} from '../domain/lifecycle/order-lifecycle.ts'
import { OrderReturns } from '../domain/returns/order-returns.ts'
import { SellerSales } from '../domain/sales/seller-sales.ts'

export interface OrderLifecycleDomain {
  lifecycle: OrderLifecycle
  returns: OrderReturns
  sales: SellerSales
}

declare module 'fastify' {
  interface FastifyInstance {
    orderLifecycle: OrderLifecycleDomain
  }
}

export const orderLifecyclePlugin = fp<{ config: OrderConfig }>(
  async (app, { config }) => {
    const { orderDb: db, jobs } = app
    const { stock, sagas, sagaMetrics } = app.orderDomain
    const store = new LifecycleStore(db, sagas, sagaMetrics)
    const lifecycle = new OrderLifecycle({
      db,
      store,
      stock,
      returns: new StockReturns(db, stock),
      jobs,
      progressPeriodMs: config.ORDER_PROGRESS_PERIOD_SECONDS * 1000,
      logger: app.log.child({ component: 'order-lifecycle' }),
    })
    jobs.define<OrderProgressJob>(ORDER_PROGRESS_JOB, async (job) => {
      await lifecycle.progress(job)
    })
    jobs.define<StockSettleJob>(STOCK_SETTLE_JOB, (job) => lifecycle.settleStock(job))
    app.decorate('orderLifecycle', {
      lifecycle,
      returns: new OrderReturns(store),
      sales: new SellerSales(db),
    })
  },
  { name: 'order-lifecycle', fastify: '5.x', dependencies: ['order-domain', 'jobs'] },
)
