// Spreads calls across the healthy instances of each service in turn.
import type { Instance } from './discovery.ts'
import { ServiceUnavailableError } from './service-unavailable-error.ts'

export class RoundRobin {
  readonly #cursors = new Map<string, number>()

  pick(service: string, instances: Instance[]): Instance {
    if (instances.length === 0) throw new ServiceUnavailableError(service, 'no healthy instance')
    const cursor = this.#cursors.get(service) ?? 0
    this.#cursors.set(service, (cursor + 1) % Number.MAX_SAFE_INTEGER)
    return instances[cursor % instances.length]!
  }
}
