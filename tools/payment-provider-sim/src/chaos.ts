// Decides, per API call, how the simulator misbehaves: how long it waits and whether it fails,
// hangs after applying the call, or hangs without applying it. A seed makes a run repeatable.
import type { SimulatorConfig } from './config.ts'

export type Fate = 'answer' | 'server-error' | 'timeout-applied' | 'timeout-lost'

export class Chaos {
  readonly #random: () => number

  constructor(
    private readonly config: () => SimulatorConfig,
    seed?: number,
    private readonly onTimeoutForced: () => void = () => {},
  ) {
    this.#random = seed === undefined ? Math.random : mulberry32(seed)
  }

  latencyMs(): number {
    const { latencyMinMs, latencyMaxMs } = this.config()
    return Math.round(latencyMinMs + this.#random() * (latencyMaxMs - latencyMinMs))
  }

  fate(): Fate {
    const config = this.config()
    let timeout = false
    if (config.timeoutNextCalls > 0) {
      this.onTimeoutForced()
      timeout = true
    } else if (this.#random() < config.serverErrorRate) {
      return 'server-error'
    } else {
      timeout = this.#random() < config.timeoutRate
    }
    if (!timeout) return 'answer'
    return this.#random() < config.timeoutAppliedRate ? 'timeout-applied' : 'timeout-lost'
  }

  approvalDeclined(): boolean {
    return this.#random() < this.config().approveFailureRate
  }
}

// A small, well-known 32-bit PRNG: enough to make a chaos run repeatable.
function mulberry32(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}
