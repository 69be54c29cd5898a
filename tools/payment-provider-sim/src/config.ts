// The simulator's behaviour knobs: latency, declines, server errors and timeouts. Set at start
// (options or environment) and changed at run time through `POST /__admin/config`.

export interface SimulatorConfig {
  /** Each API answer waits a uniform random time in [min, max]. */
  latencyMinMs: number
  latencyMaxMs: number
  /** Share of approvals the card issuer declines (CARD_DECLINED), after every other check passed. */
  approveFailureRate: number
  /** Share of API calls that answer 503 without doing anything. */
  serverErrorRate: number
  /** Share of API calls held for `timeoutMs`, longer than a client should wait. */
  timeoutRate: number
  /** Share of those timed-out calls whose effect was applied before the hang (the rest apply nothing). */
  timeoutAppliedRate: number
  timeoutMs: number
  /** The next N API calls time out whatever `timeoutRate` says; counts down to 0. */
  timeoutNextCalls: number
  /** How long a ready payment waits for the buyer before it expires. */
  readyTtlMs: number
}

/** What a caller may change: any field, or `latencyMs` for a fixed latency. */
export type SimulatorConfigPatch = Partial<SimulatorConfig> & { latencyMs?: number }

export const DEFAULT_CONFIG: SimulatorConfig = {
  latencyMinMs: 20,
  latencyMaxMs: 80,
  approveFailureRate: 0,
  serverErrorRate: 0,
  timeoutRate: 0,
  timeoutAppliedRate: 0.5,
  timeoutMs: 10_000,
  timeoutNextCalls: 0,
  readyTtlMs: 15 * 60_000,
}

const RATES = ['approveFailureRate', 'serverErrorRate', 'timeoutRate', 'timeoutAppliedRate'] as const
const DURATIONS = ['latencyMinMs', 'latencyMaxMs', 'timeoutMs', 'readyTtlMs', 'timeoutNextCalls'] as const

export class InvalidConfig extends Error {}

/** The config with the patch applied; throws InvalidConfig naming the bad field. */
export function applyConfigPatch(current: SimulatorConfig, patch: SimulatorConfigPatch): SimulatorConfig {
  const { latencyMs, ...rest } = patch
  const next: SimulatorConfig = { ...current, ...definedOnly(rest) }
  if (latencyMs !== undefined) {
    next.latencyMinMs = latencyMs
    next.latencyMaxMs = latencyMs
  }
  for (const key of RATES) {
    const value = next[key]
    if (typeof value !== 'number' || !(value >= 0 && value <= 1))
      throw new InvalidConfig(`${key} must be a number between 0 and 1`)
  }
  for (const key of DURATIONS) {
    const value = next[key]
    if (!Number.isInteger(value) || value < 0) throw new InvalidConfig(`${key} must be a whole number >= 0`)
  }
  if (next.latencyMinMs > next.latencyMaxMs)
    throw new InvalidConfig('latencyMinMs must not be greater than latencyMaxMs')
  return next
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>
}

/**
 * The patch described by the environment: PAYMENT_PROVIDER_LATENCY_MS ("50" or "20-80"),
 * PAYMENT_PROVIDER_APPROVE_FAILURE_RATE, _SERVER_ERROR_RATE, _TIMEOUT_RATE, _TIMEOUT_APPLIED_RATE,
 * _TIMEOUT_MS, _READY_TTL_MS.
 */
export function configFromEnv(env: NodeJS.ProcessEnv): SimulatorConfigPatch {
  const patch: SimulatorConfigPatch = {}
  const latency = env.PAYMENT_PROVIDER_LATENCY_MS
  if (latency) {
    const [min, max = min] = latency.split('-').map((part) => number('PAYMENT_PROVIDER_LATENCY_MS', part))
    patch.latencyMinMs = min
    patch.latencyMaxMs = max
  }
  const fields: [keyof SimulatorConfig, string][] = [
    ['approveFailureRate', 'PAYMENT_PROVIDER_APPROVE_FAILURE_RATE'],
    ['serverErrorRate', 'PAYMENT_PROVIDER_SERVER_ERROR_RATE'],
    ['timeoutRate', 'PAYMENT_PROVIDER_TIMEOUT_RATE'],
    ['timeoutAppliedRate', 'PAYMENT_PROVIDER_TIMEOUT_APPLIED_RATE'],
    ['timeoutMs', 'PAYMENT_PROVIDER_TIMEOUT_MS'],
    ['readyTtlMs', 'PAYMENT_PROVIDER_READY_TTL_MS'],
  ]
  for (const [field, name] of fields) {
    const raw = env[name]
    if (raw) patch[field] = number(name, raw)
  }
  return patch
}

function number(name: string, raw: string | undefined): number {
  const value = Number(raw)
  if (raw === undefined || raw.trim() === '' || !Number.isFinite(value))
    throw new InvalidConfig(`${name} must be a number, got "${raw}"`)
  return value
}
