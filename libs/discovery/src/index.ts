// Service discovery: register this process, resolve healthy upstreams, through Consul or a static list.
export type {
  Discovery,
  DiscoveryLogger,
  Instance,
  InstancesListener,
  ServiceRegistration,
} from './discovery.ts'
export { createDiscovery, type CreateDiscoveryOptions } from './create-discovery.ts'
export { ConsulDiscovery, type ConsulDiscoveryOptions } from './consul-discovery.ts'
export { StaticDiscovery, type StaticDiscoveryOptions } from './static-discovery.ts'
export {
  parseDiscoveryConfig,
  serviceUrlVariable,
  DiscoveryConfigError,
  type DiscoveryConfig,
  type HealthCheckTimings,
} from './config.ts'
export type { HealthWatchOptions } from './health-watch.ts'
export { ServiceUnavailableError } from './service-unavailable-error.ts'
