// A payment provider (PG) simulator modelled on Kakao Pay / Toss: ready -> buyer authorizes ->
// approve -> cancel, with idempotency keys and configurable latency, declines and timeouts, so the
// payment service's real HTTP client, retries and timeouts are exercised. In memory; never for real money.
import { setMaxListeners } from 'node:events'
import type { AddressInfo } from 'node:net'
import { Chaos } from './chaos.ts'
import {
  applyConfigPatch,
  DEFAULT_CONFIG,
  type SimulatorConfig,
  type SimulatorConfigPatch,
} from './config.ts'
import { buildHttpApi, type SimulatorState } from './http-api.ts'
import { IdempotencyStore } from './idempotency.ts'
import { PaymentBook, type PaymentRecord } from './payment-book.ts'

export type { SimulatorConfig, SimulatorConfigPatch } from './config.ts'
export { configFromEnv, DEFAULT_CONFIG, InvalidConfig } from './config.ts'
export type { CancelRecord, PaymentRecord, PaymentStatus } from './payment-book.ts'

/** The development key: the simulator is for this machine only, never a real merchant key. */
export const DEV_SECRET_KEY = 'DEV-ONLY-payment-provider-sim-secret-key'

export interface ProviderSimulatorOptions extends SimulatorConfigPatch {
  /** 0 picks a free port. Default 8090. */
  port?: number
  /** Default 127.0.0.1. */
  host?: string
  /** Default DEV_SECRET_KEY. */
  secretKey?: string
  /** Makes latency, declines and faults repeatable (for one sequence of calls). */
  seed?: number
}

export interface ProviderSimulator {
  /** Base URL, e.g. http://127.0.0.1:8090 (the API is under /v1/payment). */
  url: string
  secretKey: string
  /** Changes the behaviour from now on; returns the whole config. */
  config(patch?: SimulatorConfigPatch): SimulatorConfig
  /** Every payment the provider knows, in creation order. */
  payments(): PaymentRecord[]
  close(): Promise<void>
}

export async function startProviderSimulator(
  options: ProviderSimulatorOptions = {},
): Promise<ProviderSimulator> {
  const { port = 8090, host = '127.0.0.1', secretKey = DEV_SECRET_KEY, seed, ...patch } = options
  const config = { current: applyConfigPatch(DEFAULT_CONFIG, patch) }
  const closing = new AbortController()
  // Every held answer listens for the close.
  setMaxListeners(0, closing.signal)
  let url = ''
  const state: SimulatorState = {
    book: new PaymentBook(() => config.current.readyTtlMs),
    idempotency: new IdempotencyStore(),
    chaos: new Chaos(
      () => config.current,
      seed,
      () => (config.current = { ...config.current, timeoutNextCalls: config.current.timeoutNextCalls - 1 }),
    ),
    secretKey,
    config,
    baseUrl: () => url,
    closing: closing.signal,
  }
  const app = buildHttpApi(state)
  await app.listen({ host, port })
  url = `http://${host}:${(app.server.address() as AddressInfo).port}`
  return {
    url,
    secretKey,
    config(next = {}) {
      config.current = applyConfigPatch(config.current, next)
      return { ...config.current }
    },
    payments: () => state.book.list(),
    async close() {
      closing.abort()
      await app.close()
    },
  }
}
