// The payment service against the provider simulator (its own process), with a double of the
// order saga to send it commands: what every test of the PG flow starts with.
import { startSimulatorProcess, type SimulatorProcess } from '../provider/provider-simulator-process.ts'
import { startSagaDouble, type SagaDouble } from './saga-messages.ts'
import { startTestPaymentApp, type TestPaymentApp } from './test-payment-app.ts'

export interface ProviderStack {
  sim: SimulatorProcess
  t: TestPaymentApp
  saga: SagaDouble
  close(): Promise<void>
}

/** `simulator` configures the provider's behaviour; `env` adds to the service's settings. */
export async function startProviderStack(
  simulator: Parameters<typeof startSimulatorProcess>[0],
  env: Record<string, string>,
): Promise<ProviderStack> {
  const sim = await startSimulatorProcess(simulator)
  const t = await startTestPaymentApp({
    PAYMENT_PROVIDER_URL: sim.url,
    PAYMENT_PROVIDER_SECRET_KEY: sim.secretKey,
    ...env,
  })
  const saga = await startSagaDouble(t)
  return {
    sim,
    t,
    saga,
    async close() {
      await saga.close()
      await t.close()
      await sim.close()
    },
  }
}
