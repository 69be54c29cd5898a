// Builds the payment use cases from the connections, defines their durable jobs (the provider
// steps and the nightly settlement) and puts them on the instance for the routes and consumers.
import fp from 'fastify-plugin'
import type { PaymentConfig } from '../config.ts'
import { IdempotencyStore } from '@deals/idempotency'
import { durableAnswers } from '../domain/idempotency/durable-answers.ts'
import { paymentMetrics } from '../domain/payments/payment-metrics.ts'
import { PaymentQueries } from '../domain/payments/payment-queries.ts'
import { PgPayments } from '../domain/payments/pg-payments.ts'
import { ProviderStepRetry } from '../domain/payments/provider-step-retry.ts'
import {
  PG_CANCEL_JOB,
  PG_EXPIRY_JOB,
  PG_READY_JOB,
  PG_RECONCILE_JOB,
  type PgJob,
} from '../domain/payments/pg-jobs.ts'
import { SagaCommands } from '../domain/payments/saga-commands.ts'
import { SharePayments } from '../domain/shares/share-payments.ts'
import { createHttpPaymentProvider } from '../domain/provider/http-payment-provider.ts'
import type { PaymentProvider } from '../domain/provider/payment-provider.ts'
import { previousDay, Settlements } from '../domain/settlement/settlements.ts'
import { Wallets } from '../domain/wallet/wallet.ts'

export const SETTLEMENT_JOB = 'payment.nightly-settlement'

export interface PaymentDomain {
  wallets: Wallets
  commands: SagaCommands
  shares: SharePayments
  pg: PgPayments
  payments: PaymentQueries
  /** Operators: run a provider step again that pg-boss gave up on. */
  retries: ProviderStepRetry
  settlements: Settlements
  idempotency: IdempotencyStore
}

declare module 'fastify' {
  interface FastifyInstance {
    paymentDomain: PaymentDomain
  }
}

export interface PaymentDomainOptions {
  config: PaymentConfig
  /** The provider to use instead of the HTTP client built from the config (tests). */
  provider?: PaymentProvider | undefined
}

/** A provider step that has not moved a payment for this long needs an operator's look. */
const STUCK_AFTER_MS = 10 * 60_000

/** Provider steps retry with backoff for a while: the provider being down must not lose a payment. */
const PROVIDER_JOB_OPTIONS = { retryLimit: 12, retryDelaySeconds: 1, expireInSeconds: 120 }

export const paymentDomainPlugin = fp<PaymentDomainOptions>(
  async (app, { config, provider: givenProvider }) => {
    const { paymentDb: db, redis, jobs } = app
    const logger = app.log.child({ component: 'payment-domain' })
    const payments = new PaymentQueries(db, STUCK_AFTER_MS)
    const metrics = paymentMetrics(app.metrics, () => payments.stuckByState())
    const provider =
      givenProvider ??
      createHttpPaymentProvider({
        baseUrl: config.PAYMENT_PROVIDER_URL,
        secretKey: config.PAYMENT_PROVIDER_SECRET_KEY,
        timeoutMs: config.PAYMENT_PROVIDER_TIMEOUT_MS,
        onCall: (call) => metrics.providerCall(call.operation, call.outcome, call.durationMs),
      })
    const idempotency = new IdempotencyStore(redis, durableAnswers(db), {
      waitMs: config.IDEMPOTENCY_WAIT_MS,
      ttlSeconds: config.IDEMPOTENCY_TTL_SECONDS,
    })
    const pg = new PgPayments({
      db,
      provider,
      jobs,
      metrics,
      reconcileDelayMs: config.PG_RECONCILE_DELAY_SECONDS * 1000,
      logger,
    })
    const settlements = new Settlements({ db, metrics, timeZone: config.SETTLEMENT_TIME_ZONE })

    jobs.define<PgJob>(PG_READY_JOB, (job) => pg.ready(job), PROVIDER_JOB_OPTIONS)
    jobs.define<PgJob>(PG_RECONCILE_JOB, (job) => pg.reconcile(job), PROVIDER_JOB_OPTIONS)
    jobs.define<PgJob>(PG_CANCEL_JOB, (job) => pg.cancel(job), PROVIDER_JOB_OPTIONS)
    jobs.define<PgJob>(PG_EXPIRY_JOB, (job) => pg.expire(job))
    jobs.define(SETTLEMENT_JOB, async () => {
      const date = previousDay(new Date(), config.SETTLEMENT_TIME_ZONE)
      const rows = await settlements.run(date)
      logger.info({ date, sellers: rows.length }, 'day settled')
    })
    app.addHook('onReady', async () => {
      await jobs.every(SETTLEMENT_JOB, config.SETTLEMENT_CRON, {}, config.SETTLEMENT_TIME_ZONE)
    })

    app.decorate('paymentDomain', {
      wallets: new Wallets({ db, idempotency, metrics, topUpMaxAmount: config.WALLET_TOPUP_MAX_AMOUNT }),
      commands: new SagaCommands({ jobs, metrics }),
      shares: new SharePayments(metrics),
      pg,
      payments,
      retries: new ProviderStepRetry({ db, jobs, payments }),
      settlements,
      idempotency,
    })
  },
  { name: 'payment-domain', fastify: '5.x', dependencies: ['payment-database', 'redis', 'jobs'] },
)
