// Picks the discovery a process uses from its environment: Consul when CONSUL_URL is set, else static.
import { parseDiscoveryConfig } from './config.ts'
import { ConsulDiscovery, type ConsulDiscoveryOptions } from './consul-discovery.ts'
import type { Discovery, DiscoveryLogger } from './discovery.ts'
import { StaticDiscovery } from './static-discovery.ts'

export interface CreateDiscoveryOptions {
  env: Record<string, string | undefined>
  logger: DiscoveryLogger
  /** Blocking-query tuning for Consul; the defaults suit production. */
  watch?: ConsulDiscoveryOptions['watch']
}

/** Throws DiscoveryConfigError, naming the variable, when the environment is malformed. */
export function createDiscovery({ env, logger, watch }: CreateDiscoveryOptions): Discovery {
  const config = parseDiscoveryConfig(env)
  if (config.consul === undefined) return new StaticDiscovery({ services: config.staticServices, logger })
  return new ConsulDiscovery({ ...config.consul, logger, ...(watch === undefined ? {} : { watch }) })
}
