// Discovery from a fixed list of URLs per service, for machines without Consul (tests, `npm start`).
// Registration is a no-op: nobody else reads it, and the list never changes while the process runs.
import { serviceUrlVariable } from './config.ts'
import type { Discovery, DiscoveryLogger, Instance, InstancesListener } from './discovery.ts'
import { RoundRobin } from './round-robin.ts'
import { ServiceUnavailableError } from './service-unavailable-error.ts'

export interface StaticDiscoveryOptions {
  /** Service name to its base URLs, e.g. `{ auth: ['http://127.0.0.1:3001'] }`. */
  services: Record<string, string[]>
  logger: DiscoveryLogger
}

function toInstance(service: string, url: string, index: number): Instance {
  const parsed = new URL(url)
  const port = parsed.port === '' ? (parsed.protocol === 'https:' ? 443 : 80) : Number(parsed.port)
  return {
    id: `${service}-${index + 1}`,
    service,
    address: parsed.hostname,
    port,
    tags: [],
    url: url.replace(/\/+$/, ''),
  }
}

export class StaticDiscovery implements Discovery {
  readonly kind = 'static'
  readonly #instances = new Map<string, Instance[]>()
  readonly #roundRobin = new RoundRobin()

  constructor({ services, logger }: StaticDiscoveryOptions) {
    for (const [service, urls] of Object.entries(services)) {
      this.#instances.set(
        service,
        urls.map((url, index) => toInstance(service, url, index)),
      )
    }
    logger.info(
      { discovery: 'static', services },
      'service discovery is static (SERVICE_<NAME>_URL variables) because no CONSUL_URL is configured',
    )
  }

  async register(): Promise<void> {}

  async deregister(): Promise<void> {}

  async resolve(service: string): Promise<Instance[]> {
    return this.#instances.get(service) ?? []
  }

  async pick(service: string): Promise<Instance> {
    const instances = this.#instances.get(service)
    if (instances === undefined) {
      throw new ServiceUnavailableError(service, `no URL configured in ${serviceUrlVariable(service)}`)
    }
    return this.#roundRobin.pick(service, instances)
  }

  watch(service: string, onChange: InstancesListener): () => void {
    let active = true
    queueMicrotask(() => {
      if (active) onChange(this.#instances.get(service) ?? [])
    })
    return () => {
      active = false
    }
  }

  async close(): Promise<void> {}
}
