// Product metrics of the payment service, in the service's registry: payments by method and
// outcome, wallet top-ups, refunds, party shares, calls to the payment provider, settlement runs, and payments
// stuck between provider steps (read from PostgreSQL at scrape time).
import { Counter, Gauge, Histogram, type Registry } from 'prom-client'

export interface PaymentMetrics {
  /** outcome: paid, failed, voided, approval_required. */
  payment(method: string, outcome: string): void
  walletTopUp(amount: number): void
  /** outcome: refunded, voided. */
  refund(method: string, outcome: string): void
  /** One provider operation (retries included); outcome: ok, declined, unavailable. */
  providerCall(operation: string, outcome: string, durationMs: number): void
  settlementRun(sellers: number): void
  /** Party share payments settled; outcome: charged, failed, refunded, voided, released. */
  share(outcome: string, count?: number): void
}

/** Payments waiting on the provider for longer than they should, by state. */
export type StuckPayments = () => Promise<{ state: string; count: number }[]>

export function paymentMetrics(registry: Registry, stuckPayments: StuckPayments): PaymentMetrics {
  new Gauge({
    name: 'payment_payments_stuck',
    help: 'Payments still PREPARING, APPROVING or REFUNDING ten minutes after their last change',
    labelNames: ['state'],
    registers: [registry],
    async collect() {
      this.reset()
      for (const { state, count } of await stuckPayments()) this.set({ state }, count)
    },
  })
  const payments = new Counter({
    name: 'payment_payments_total',
    help: 'Charge outcomes by method (wallet, pg) and outcome (paid, failed, voided, approval_required)',
    labelNames: ['method', 'outcome'],
    registers: [registry],
  })
  const topUps = new Counter({
    name: 'payment_wallet_topups_total',
    help: 'Wallet top-ups booked',
    registers: [registry],
  })
  const topUpWon = new Counter({
    name: 'payment_wallet_topup_won_total',
    help: 'Won added to wallets by top-ups',
    registers: [registry],
  })
  const refunds = new Counter({
    name: 'payment_refunds_total',
    help: 'Refund requests settled, by method and outcome (refunded, voided)',
    labelNames: ['method', 'outcome'],
    registers: [registry],
  })
  const providerCalls = new Histogram({
    name: 'payment_provider_call_duration_seconds',
    help: 'Calls to the payment provider by operation and outcome (ok, declined, unavailable)',
    labelNames: ['operation', 'outcome'],
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  })
  const settlementRuns = new Counter({
    name: 'payment_settlement_runs_total',
    help: 'Settlement runs (nightly or by hand)',
    registers: [registry],
  })
  const settledSellers = new Counter({
    name: 'payment_settlement_sellers_total',
    help: 'Seller-days written by settlement runs',
    registers: [registry],
  })
  const shares = new Counter({
    name: 'payment_share_payments_total',
    help: 'Party share payments by outcome (charged, failed, refunded, voided, released)',
    labelNames: ['outcome'],
    registers: [registry],
  })
  return {
    share: (outcome, count = 1) => shares.inc({ outcome }, count),
    payment: (method, outcome) => payments.inc({ method: method.toLowerCase(), outcome }),
    walletTopUp: (amount) => {
      topUps.inc()
      topUpWon.inc(amount)
    },
    refund: (method, outcome) => refunds.inc({ method: method.toLowerCase(), outcome }),
    providerCall: (operation, outcome, durationMs) =>
      providerCalls.observe({ operation, outcome }, durationMs / 1000),
    settlementRun: (sellers) => {
      settlementRuns.inc()
      settledSellers.inc(sellers)
    },
  }
}
